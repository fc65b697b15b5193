"""Prints the CloudFormation template `sam package` + the SAM transform would deploy.

CodeUri and DefinitionUri are local paths in template.yaml; `sam package` uploads them and replaces
them with s3:// URIs before CloudFormation runs the transform. This script does the same with
placeholder URIs (nothing is uploaded) and runs aws-sam-translator offline, so the result is the
template CloudFormation would see: policy templates expanded, implicit roles, rules and
permissions created.

usage: sam_transform.py TEMPLATE [OUTPUT.json]
"""
import json
import os
import sys

from cfnlint.decode import cfn_yaml
from samtranslator.translator.transform import transform


class OfflinePolicyLoader:
    """The translator asks IAM for managed policy ARNs only when a template names a managed
    policy by its short name; this template names none, so nothing must be looked up."""

    def load(self):
        return {}


def packaged(template):
    for name, resource in template.get("Resources", {}).items():
        props = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(props.get("CodeUri"), str):
            props["CodeUri"] = f"s3://pipeline-package/{name}.zip"
        if resource.get("Type") == "AWS::Serverless::LayerVersion" and isinstance(props.get("ContentUri"), str):
            props["ContentUri"] = f"s3://pipeline-package/{name}.zip"
        if resource.get("Type") == "AWS::Serverless::StateMachine" and isinstance(props.get("DefinitionUri"), str):
            props["DefinitionUri"] = f"s3://pipeline-package/{name}.asl.json"
    return template


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    # The translator resolves AWS::Region for ARNs it builds; any commercial region gives the same
    # template shape, and nothing here calls AWS.
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    template = packaged(cfn_yaml.load(argv[1]))
    result = transform(template, {}, OfflinePolicyLoader())
    text = json.dumps(result, indent=2, sort_keys=False, default=str)
    if len(argv) == 3:
        with open(argv[2], "w", encoding="utf-8") as out:
            out.write(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
