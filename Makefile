# Builds the Lambda functions for `sam build` (Metadata: BuildMethod: makefile in template.yaml).
# sam build runs `make build-<LogicalId>` with ARTIFACTS_DIR set to the folder it zips; every
# function is a .NET console program (the executable model, Handler: <Name>), published
# framework-dependent for the dotnet10 runtime.
#
#   make build-RecordVersionFunction ARTIFACTS_DIR=/tmp/out
#
# ./build.sh package calls the same targets with ARTIFACTS_DIR=.build/functions/<Name>, where the
# local stack and the tests find published functions.

CONFIG ?= Release
READY_TO_RUN ?= false
DOTNET ?= dotnet

build-%Function:
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set (sam build sets it)" >&2; exit 2; }
	@test -f functions/Pipeline.Functions/$*/$*.csproj || { echo "no function project functions/Pipeline.Functions/$*/$*.csproj for $@" >&2; exit 2; }
	@$(DOTNET) publish functions/Pipeline.Functions/$*/$*.csproj -c $(CONFIG) --nologo --verbosity quiet \
		-clp:ErrorsOnly -p:PublishReadyToRun=$(READY_TO_RUN) -o "$(ARTIFACTS_DIR)"

# The router agent, as the layer each router downloads at boot (see RouterAgentLayer in template.yaml).
build-RouterAgentLayer:
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set (sam build sets it)" >&2; exit 2; }
	@$(DOTNET) publish agents/Pipeline.RouterAgent/Pipeline.RouterAgent.csproj -c $(CONFIG) --nologo --verbosity quiet \
		-clp:ErrorsOnly -o "$(ARTIFACTS_DIR)"
	@$(DOTNET) publish agents/Pipeline.Composer/Pipeline.Composer.csproj -c $(CONFIG) --nologo --verbosity quiet \
		-clp:ErrorsOnly -o "$(ARTIFACTS_DIR)/composer"

.PHONY: help
help:
	@sed -n '1,10p' Makefile
