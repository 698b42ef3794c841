// Runs the Argo CD health checks in ../resource_customizations with the Lua interpreter Argo CD
// embeds. Test tooling only: not part of the Maven build.
module tributary.io/argocd/health-test

go 1.25.0

require (
	github.com/yuin/gopher-lua v1.1.2
	sigs.k8s.io/yaml v1.6.0
)

require go.yaml.in/yaml/v2 v2.4.2 // indirect
