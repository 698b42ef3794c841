//go:build tools

// Package tools records the crictl main package that cluster.sh builds.
package tools

import _ "sigs.k8s.io/cri-tools/cmd/crictl"
