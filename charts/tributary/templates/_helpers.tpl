{{- define "tributary.labels" -}}
app.kubernetes.io/name: tributary-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}
{{- define "tributary.selector" -}}
app.kubernetes.io/name: tributary-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The selector labels as k=v,k=v (sorted), for the operator to select its own pods. */}}
{{- define "tributary.selectorPairs" -}}
{{- $pairs := list -}}
{{- range $k, $v := (include "tributary.selector" . | fromYaml) -}}
{{- $pairs = append $pairs (printf "%s=%s" $k $v) -}}
{{- end -}}
{{- join "," $pairs -}}
{{- end -}}

{{/* The PriorityClass the operator pods name, or "" for none. */}}
{{- define "tributary.priorityClassName" -}}
{{- .Values.priorityClass.name -}}
{{- end -}}

{{/*
Combinations values.schema.json cannot say, failed at install with the fix in the message.
*/}}
{{- define "tributary.validate" -}}
{{- if and (eq .Values.rbac.scope "namespace") (empty .Values.watchNamespaces) -}}
{{- fail "rbac.scope=namespace needs watchNamespaces: the namespaces the operator gets Roles in and watches, e.g. --set 'watchNamespaces={payments,analytics}'" -}}
{{- end -}}
{{- if and (not .Values.leaderElection) (gt (int .Values.replicaCount) 1) -}}
{{- fail (printf "replicaCount=%d needs leaderElection=true: without a Lease every replica would reconcile the same resources. Set replicaCount=1 or leaderElection=true" (int .Values.replicaCount)) -}}
{{- end -}}
{{- $pdb := .Values.podDisruptionBudget -}}
{{- if and $pdb.enabled (gt (int .Values.replicaCount) 1) (not (kindIs "string" $pdb.minAvailable)) (ge (int $pdb.minAvailable) (int .Values.replicaCount)) -}}
{{- fail (printf "podDisruptionBudget.minAvailable=%d with replicaCount=%d would block every drain: set it below replicaCount" (int $pdb.minAvailable) (int .Values.replicaCount)) -}}
{{- end -}}
{{- if and (has "Deny" .Values.admissionPolicies.validationActions) (has "Warn" .Values.admissionPolicies.validationActions) -}}
{{- fail "admissionPolicies.validationActions: Deny and Warn cannot be combined (Kubernetes refuses the binding); use [Deny], [Deny, Audit], [Warn] or [Warn, Audit]" -}}
{{- end -}}
{{- if and .Values.networkPolicy.operatorEgress.enabled (empty .Values.networkPolicy.operatorEgress.apiServer.cidrs) -}}
{{- fail "networkPolicy.operatorEgress.enabled=true needs networkPolicy.operatorEgress.apiServer.cidrs: the API server's addresses as the operator's pods reach them (kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes -o jsonpath='{.items[*].endpoints[*].addresses}'), e.g. --set 'networkPolicy.operatorEgress.apiServer.cidrs={10.0.0.5/32}'" -}}
{{- end -}}
{{- if and .Values.networkPolicy.operatorEgress.enabled (not .Values.networkPolicy.enabled) -}}
{{- fail "networkPolicy.operatorEgress.enabled=true needs networkPolicy.enabled=true: the operator's egress is part of its NetworkPolicy" -}}
{{- end -}}
{{- if and .Values.priorityClass.create (empty .Values.priorityClass.name) -}}
{{- fail "priorityClass.create=true needs priorityClass.name" -}}
{{- end -}}
{{- end -}}

