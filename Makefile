# SAM builds each portal function through these targets (template.yaml: Metadata BuildMethod: makefile).
# Each bundles one function with esbuild into $(ARTIFACTS_DIR); run from the repository root.

PORTAL_BUILD = node_modules/.bin/tsx packages/portal/bin/build.ts

.PHONY: build-EventsFunction build-SubscriptionsFunction build-CatalogFunction

build-EventsFunction:
	$(PORTAL_BUILD) --function EventsFunction --outdir "$(ARTIFACTS_DIR)"

build-SubscriptionsFunction:
	$(PORTAL_BUILD) --function SubscriptionsFunction --outdir "$(ARTIFACTS_DIR)"

build-CatalogFunction:
	$(PORTAL_BUILD) --function CatalogFunction --outdir "$(ARTIFACTS_DIR)"
