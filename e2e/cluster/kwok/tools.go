//go:build tools

// Package tools records the KWOK controller main package that cluster.sh builds.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
