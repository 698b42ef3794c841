// Checks Tributary's monitoring files against each other and the docs, with the PromQL parser of
// the Prometheus release promtool is built from (monitoring/test.sh):
//
//   - every alert has a runbook_url whose anchor is a section of docs/runbooks.md;
//   - every alert is tested by promtool both firing and not firing (monitoring/tests);
//   - every metric the alerts and the dashboard select is in a table of docs/metrics.md;
//   - every dashboard query parses once Grafana's variables are filled in; they are also written
//     as recording rules (-dashboard-rules), for promtool check rules.
//
// Test tooling only: not part of the Maven build.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"
)

type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Record      string            `yaml:"record"`
			Expr        string            `yaml:"expr"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

type testFile struct {
	Tests []struct {
		Name          string `yaml:"name"`
		AlertRuleTest []struct {
			Alertname string `yaml:"alertname"`
			ExpAlerts []any  `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
	} `yaml:"tests"`
}

var (
	promql = parser.NewParser(parser.Options{})
	// A metric's row in a table of docs/metrics.md: | `name` | ...
	docRow = regexp.MustCompile("(?m)^\\| `([a-zA-Z_:][a-zA-Z0-9_:]*)` \\|")
	// Grafana's variables: $name, ${name}, ${name:format}.
	grafanaVar = regexp.MustCompile(`\$\{[a-zA-Z0-9_]+(:[a-z]+)?\}|\$[a-zA-Z_][a-zA-Z0-9_]*`)
	// label_values(<selector>, <label>) in a variable's query.
	labelValues = regexp.MustCompile(`^label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)$`)
)

// Grafana's interval variables, as a query on a dashboard would see them.
var grafanaIntervals = map[string]string{
	"$__rate_interval": "2m", "$__interval": "1m", "$__range": "6h",
}

func main() {
	rulesPath := flag.String("rules", "", "the alerts' rules file")
	testsGlob := flag.String("tests", "", "promtool test files (glob)")
	dashboardPath := flag.String("dashboard", "", "the Grafana dashboard JSON")
	metricsDoc := flag.String("metrics-doc", "", "docs/metrics.md")
	runbooks := flag.String("runbooks", "", "docs/runbooks.md")
	dashboardRules := flag.String("dashboard-rules", "", "where to write the dashboard's queries as recording rules")
	flag.Parse()

	var problems []string
	report := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	documented := map[string]bool{}
	for _, m := range docRow.FindAllStringSubmatch(read(*metricsDoc), -1) {
		documented[m[1]] = true
	}
	checkMetrics := func(where, expr string) {
		e, err := promql.ParseExpr(expr)
		if err != nil {
			report("%s: %v\n    %s", where, err, expr)
			return
		}
		for _, name := range metricNames(e) {
			if !documented[name] && !documented[histogramBase(name)] {
				report("%s: %s is not in %s", where, name, *metricsDoc)
			}
		}
	}

	// Alerts: metrics, runbooks.
	var rules ruleFile
	unmarshal(*rulesPath, &rules)
	anchors := headingAnchors(read(*runbooks))
	var alerts []string
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			name := r.Alert + r.Record
			checkMetrics(*rulesPath+": "+name, r.Expr)
			if r.Alert == "" {
				continue
			}
			alerts = append(alerts, r.Alert)
			url := r.Annotations["runbook_url"]
			anchor := strings.ToLower(r.Alert)
			switch {
			case !strings.HasSuffix(url, "#"+anchor):
				report("%s: runbook_url %q does not end in #%s", r.Alert, url, anchor)
			case !anchors[anchor]:
				report("%s: %s has no section %q", r.Alert, *runbooks, "## "+r.Alert)
			}
		}
	}

	// Alerts: tested firing and not firing.
	files, _ := filepath.Glob(*testsGlob)
	if len(files) == 0 {
		report("no promtool test files match %s", *testsGlob)
	}
	fires, quiet := map[string]bool{}, map[string]bool{}
	for _, f := range files {
		var tf testFile
		unmarshal(f, &tf)
		for _, t := range tf.Tests {
			for _, c := range t.AlertRuleTest {
				if len(c.ExpAlerts) > 0 {
					fires[c.Alertname] = true
				} else {
					quiet[c.Alertname] = true
				}
			}
		}
	}
	for _, a := range alerts {
		if !fires[a] {
			report("%s: no promtool test expects it to fire", a)
		}
		if !quiet[a] {
			report("%s: no promtool test expects it to stay quiet", a)
		}
	}

	// Dashboard: every query parses, every metric is documented.
	var dashboard any
	if err := json.Unmarshal([]byte(read(*dashboardPath)), &dashboard); err != nil {
		fail("%s: %v", *dashboardPath, err)
	}
	var recording strings.Builder
	recording.WriteString("# The dashboard's queries with Grafana's variables filled in (monitoring/check).\ngroups:\n  - name: dashboard\n    rules:\n")
	n := 0
	for _, q := range queries(dashboard) {
		expr := fillGrafanaVariables(q.expr)
		checkMetrics(*dashboardPath+": "+q.where, expr)
		n++
		fmt.Fprintf(&recording, "      - record: dashboard:query_%d\n        expr: %s\n", n, quote(expr))
	}
	if n == 0 {
		report("%s: no queries found", *dashboardPath)
	}
	if *dashboardRules != "" {
		if err := os.WriteFile(*dashboardRules, []byte(recording.String()), 0o644); err != nil {
			fail("%v", err)
		}
	}

	if len(problems) > 0 {
		sort.Strings(problems)
		for _, p := range problems {
			fmt.Fprintln(os.Stderr, "FAIL", p)
		}
		os.Exit(1)
	}
	fmt.Printf("ok: %d alerts with runbooks and tests, %d dashboard queries, all metrics documented\n", len(alerts), n)
}

type query struct{ where, expr string }

// queries finds every panel target's expr and every label_values() variable in a dashboard.
func queries(dashboard any) []query {
	var out []query
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if targets, ok := x["targets"].([]any); ok {
				title, _ := x["title"].(string)
				for i, t := range targets {
					if m, ok := t.(map[string]any); ok {
						if e, ok := m["expr"].(string); ok {
							out = append(out, query{fmt.Sprintf("panel %q target %d", title, i), e})
						}
					}
				}
			}
			if x["type"] == "query" {
				q := x["query"]
				if m, ok := q.(map[string]any); ok {
					q = m["query"]
				}
				if s, ok := q.(string); ok {
					if m := labelValues.FindStringSubmatch(s); m != nil {
						out = append(out, query{fmt.Sprintf("variable %v", x["name"]), m[1]})
					}
				}
			}
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if k != "targets" {
					walk(path+"."+k, x[k])
				}
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		}
	}
	walk("", dashboard)
	return out
}

func fillGrafanaVariables(expr string) string {
	return grafanaVar.ReplaceAllStringFunc(expr, func(v string) string {
		if d, ok := grafanaIntervals[v]; ok {
			return d
		}
		return ".*" // a template variable inside a regex matcher
	})
}

// metricNames are the names of the series an expression selects.
func metricNames(e parser.Expr) []string {
	var names []string
	parser.Inspect(e, func(node parser.Node, _ []parser.Node) error {
		if vs, ok := node.(*parser.VectorSelector); ok {
			name := vs.Name
			if name == "" {
				for _, m := range vs.LabelMatchers {
					if m.Name == "__name__" {
						name = m.Value
					}
				}
			}
			names = append(names, name)
		}
		return nil
	})
	return names
}

// histogramBase is a histogram's or summary's name, for one of its series.
func histogramBase(name string) string {
	for _, s := range []string{"_bucket", "_sum", "_count"} {
		if strings.HasSuffix(name, s) {
			return strings.TrimSuffix(name, s)
		}
	}
	return name
}

// headingAnchors are the anchors GitHub gives a Markdown file's headings.
func headingAnchors(doc string) map[string]bool {
	anchors := map[string]bool{}
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		h := strings.ToLower(strings.TrimSpace(strings.TrimLeft(line, "#")))
		h = regexp.MustCompile(`[^a-z0-9 _-]`).ReplaceAllString(h, "")
		anchors[strings.ReplaceAll(h, " ", "-")] = true
	}
	return anchors
}

func quote(s string) string {
	b, _ := json.Marshal(s) // a JSON string is a YAML string
	return string(b)
}

func read(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	return string(b)
}

func unmarshal(path string, v any) {
	if err := yaml.Unmarshal([]byte(read(path)), v); err != nil {
		fail("%s: %v", path, err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "FAIL "+format+"\n", args...)
	os.Exit(1)
}
