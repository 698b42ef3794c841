// Command health-test runs Tributary's Argo CD health checks the way Argo CD runs a health
// check configured in argocd-cm: with gopher-lua (the interpreter Argo CD embeds), without Lua's
// standard libraries except base, table and package, the object as the global table obj, and a
// one-second limit. It reads Argo CD's own test layout:
//
//	<dir>/<group>/<Kind>/health.lua        the check
//	<dir>/<group>/<Kind>/health_test.yaml  tests: [{healthStatus: {status, message}, inputPath}]
//	<dir>/<group>/<Kind>/testdata/*.yaml   the objects, as kubectl get -o yaml shows them
//
// and compares each returned status and message with the expected ones. With -configmap it also
// checks that an argocd-cm snippet carries exactly these scripts; -write rewrites that snippet
// from them.
//
//	go run . [-configmap ../argocd-cm.yaml [-write]] ../resource_customizations
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
	"sigs.k8s.io/yaml"
)

// The health statuses Argo CD accepts from a Lua check; anything else it shows as Unknown.
var validStatuses = []string{"Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown"}

// Argo CD stops a health script after this long.
const scriptTimeout = time.Second

type healthStatus struct {
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
}

type testCase struct {
	HealthStatus healthStatus `json:"healthStatus"`
	InputPath    string       `json:"inputPath"`
}

type testFile struct {
	Tests []testCase `json:"tests"`
}

// check is one health.lua with the group and kind its directory names.
type check struct {
	dir, group, kind, script string
}

func main() {
	configMap := flag.String("configmap", "", "an argocd-cm snippet that must carry exactly these scripts")
	write := flag.Bool("write", false, "rewrite the -configmap file from the scripts instead of checking it")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: health-test [-configmap FILE [-write]] RESOURCE_CUSTOMIZATIONS_DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 || (*write && *configMap == "") {
		flag.Usage()
		os.Exit(2)
	}
	checks, err := findChecks(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "health-test:", err)
		os.Exit(1)
	}
	var problems []string
	passed := 0
	for _, c := range checks {
		p, f := runCases(c)
		passed += p
		problems = append(problems, f...)
	}
	if *configMap != "" {
		if *write {
			if err := os.WriteFile(*configMap, []byte(renderConfigMap(checks)), 0o644); err != nil {
				problems = append(problems, err.Error())
			}
		} else {
			problems = append(problems, compareConfigMap(*configMap, checks)...)
		}
	}
	for _, p := range problems {
		fmt.Println("FAIL", p)
	}
	fmt.Printf("%d passed, %d failed\n", passed, len(problems))
	if len(problems) > 0 {
		os.Exit(1)
	}
}

// findChecks returns every <group>/<Kind>/health.lua under root, sorted.
func findChecks(root string) ([]check, error) {
	var checks []check
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "health.lua" {
			return err
		}
		dir := filepath.Dir(path)
		rel, err := filepath.Rel(root, dir)
		if err != nil {
			return err
		}
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if len(parts) != 2 {
			return fmt.Errorf("%s: expected <group>/<Kind>/health.lua", path)
		}
		script, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checks = append(checks, check{dir: dir, group: parts[0], kind: parts[1], script: string(script)})
		return nil
	})
	if err == nil && len(checks) == 0 {
		err = fmt.Errorf("no <group>/<Kind>/health.lua under %s", root)
	}
	sort.Slice(checks, func(i, j int) bool { return checks[i].key() < checks[j].key() })
	return checks, err
}

func (c check) key() string { return c.group + "/" + c.kind }

// runCases runs every case of the check's health_test.yaml; it returns how many passed and what
// went wrong, including testdata files that no case uses.
func runCases(c check) (int, []string) {
	raw, err := os.ReadFile(filepath.Join(c.dir, "health_test.yaml"))
	if err != nil {
		return 0, []string{c.key() + ": every health.lua needs a health_test.yaml: " + err.Error()}
	}
	var tests testFile
	if err := yaml.UnmarshalStrict(raw, &tests); err != nil {
		return 0, []string{c.key() + "/health_test.yaml: " + err.Error()}
	}
	if len(tests.Tests) == 0 {
		return 0, []string{c.key() + "/health_test.yaml: no tests"}
	}
	var problems []string
	passed := 0
	used := map[string]bool{}
	for _, t := range tests.Tests {
		name := c.key() + "/" + t.InputPath
		used[filepath.Clean(t.InputPath)] = true
		got, err := runCase(c, t)
		switch {
		case err != nil:
			problems = append(problems, name+": "+err.Error())
		case got != t.HealthStatus:
			problems = append(problems, fmt.Sprintf("%s:\n  want %s %q\n  got  %s %q",
				name, t.HealthStatus.Status, t.HealthStatus.Message, got.Status, got.Message))
		default:
			passed++
			fmt.Printf("ok   %s: %s %q\n", name, got.Status, got.Message)
		}
	}
	files, _ := filepath.Glob(filepath.Join(c.dir, "testdata", "*"))
	for _, f := range files {
		rel, _ := filepath.Rel(c.dir, f)
		if !used[rel] {
			problems = append(problems, c.key()+"/"+filepath.ToSlash(rel)+": no test in health_test.yaml uses it")
		}
	}
	return passed, problems
}

func runCase(c check, t testCase) (healthStatus, error) {
	if !slices.Contains(validStatuses, t.HealthStatus.Status) {
		return healthStatus{}, fmt.Errorf("expected status %q is not one of %v", t.HealthStatus.Status, validStatuses)
	}
	raw, err := os.ReadFile(filepath.Join(c.dir, t.InputPath))
	if err != nil {
		return healthStatus{}, err
	}
	// YAML to JSON to Go values, as Argo CD's own test reads testdata (numbers become float64;
	// from the API server they are int64: both are a Lua number).
	var obj map[string]any
	if err := yaml.Unmarshal(raw, &obj); err != nil {
		return healthStatus{}, err
	}
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	if group, _, _ := strings.Cut(apiVersion, "/"); group != c.group || kind != c.kind {
		return healthStatus{}, fmt.Errorf("object is %s %s, but Argo CD runs this check for %s only", apiVersion, kind, c.key())
	}
	return runLua(c.script, obj)
}

// runLua runs a health script as Argo CD runs one from argocd-cm (useOpenLibs false).
func runLua(script string, obj map[string]any) (healthStatus, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
	} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), Protect: true}, lua.LString(lib.name)); err != nil {
			return healthStatus{}, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), scriptTimeout)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", toLua(l, obj))
	if err := l.DoString(script); err != nil {
		return healthStatus{}, err
	}
	table, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		return healthStatus{}, fmt.Errorf("the script returned %s, not a table", l.Get(-1).Type())
	}
	var hs healthStatus
	for field, dst := range map[string]*string{"status": &hs.Status, "message": &hs.Message} {
		switch v := table.RawGetString(field).(type) {
		case lua.LString:
			*dst = string(v)
		case *lua.LNilType:
		default:
			return healthStatus{}, fmt.Errorf("%s is a %s, not a string", field, v.Type())
		}
	}
	if !slices.Contains(validStatuses, hs.Status) {
		return healthStatus{}, fmt.Errorf("status %q is not one Argo CD knows (it would show Unknown)", hs.Status)
	}
	return hs, nil
}

// toLua turns a JSON-like Go value into Lua values: objects into tables with string keys, arrays
// into tables with keys 1..n.
func toLua(l *lua.LState, v any) lua.LValue {
	switch v := v.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case []any:
		t := l.CreateTable(len(v), 0)
		for _, item := range v {
			t.Append(toLua(l, item))
		}
		return t
	case map[string]any:
		t := l.CreateTable(0, len(v))
		for k, item := range v {
			t.RawSetString(k, toLua(l, item))
		}
		return t
	}
	panic(fmt.Sprintf("unexpected %T in a decoded object", v))
}

// configMapKey is the argocd-cm key of a check: resource.customizations.health.<group>_<Kind>.
func configMapKey(c check) string {
	return "resource.customizations.health." + c.group + "_" + c.kind
}

const configMapHeader = `# Tributary's Argo CD health checks, as argocd-cm keys. Generated from
# argocd/resource_customizations/*/*/health.lua; ./test.sh fails when it is stale. Regenerate:
#   (cd argocd/health-test && go run . -configmap ../argocd-cm.yaml -write ../resource_customizations)
# Add the keys to a running Argo CD without touching its other settings (docs/argocd.md):
#   kubectl -n argocd apply --server-side --field-manager=tributary-health -f argocd/argocd-cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
  labels:
    app.kubernetes.io/part-of: argocd
data:
`

func renderConfigMap(checks []check) string {
	var b strings.Builder
	b.WriteString(configMapHeader)
	for _, c := range checks {
		b.WriteString("  " + configMapKey(c) + ": |\n")
		for _, line := range strings.SplitAfter(strings.TrimRight(c.script, "\n")+"\n", "\n") {
			if strings.TrimSpace(line) == "" {
				b.WriteString(strings.TrimLeft(line, " \t"))
			} else {
				b.WriteString("    " + line)
			}
		}
	}
	return b.String()
}

// compareConfigMap says where the snippet does not carry exactly the scripts.
func compareConfigMap(path string, checks []check) []string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return []string{err.Error()}
	}
	if !bytes.Equal(raw, []byte(renderConfigMap(checks))) {
		var cm struct {
			Data map[string]string `json:"data"`
		}
		detail := ""
		if err := yaml.Unmarshal(raw, &cm); err == nil {
			for _, c := range checks {
				if cm.Data[configMapKey(c)] != c.script {
					detail += "; " + configMapKey(c) + " differs from " + c.key() + "/health.lua"
				}
			}
		}
		return []string{path + " is stale" + detail +
			": regenerate it with go run . -configmap " + path + " -write <dir>"}
	}
	return nil
}
