"""Regenerates local/Pipeline.Local.Aws/CloudFormation/resource-types.txt: the resource types
CloudFormation accepts (cfn-lint's bundled us-east-1 schemas) plus the SAM transform's own types.
The local template reader refuses any other type, as CloudFormation does.

usage: resource_types.py > local/Pipeline.Local.Aws/CloudFormation/resource-types.txt
"""
from cfnlint.data.schemas.providers.us_east_1 import types

SAM_TYPES = {
    "AWS::Serverless::Api", "AWS::Serverless::Application", "AWS::Serverless::CapacityProvider",
    "AWS::Serverless::Connector", "AWS::Serverless::Function", "AWS::Serverless::GraphQLApi",
    "AWS::Serverless::HttpApi", "AWS::Serverless::LayerVersion", "AWS::Serverless::SimpleTable",
    "AWS::Serverless::StateMachine",
}

print("# Resource types CloudFormation knows in us-east-1: the schemas bundled with cfn-lint 1.51, plus")
print("# the AWS::Serverless types the SAM transform expands. Regenerate: tools/template/resource_types.py")
for name in sorted((set(types) | SAM_TYPES)):
    if name.count("::") == 2 and not name.startswith("Custom::"):
        print(name)
