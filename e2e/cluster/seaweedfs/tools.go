//go:build tools

// Package tools records the SeaweedFS main package that e2e/lib/seaweedfs.sh builds.
package tools

import _ "github.com/seaweedfs/seaweedfs/weed"
