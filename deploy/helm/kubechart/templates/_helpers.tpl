{{/* The release's full name: the release name, or release-chart when they differ. */}}
{{- define "kubechart.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kubechart.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kubechart.labels" -}}
{{ include "kubechart.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "kubechart.serviceAccountName" -}}
{{- default (include "kubechart.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "kubechart.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* cert-manager's annotation naming the issuer of an Ingress's certificate. */}}
{{- define "kubechart.issuerAnnotation" -}}
{{- if eq .Values.certManager.issuerKind "ClusterIssuer" -}}
cert-manager.io/cluster-issuer: {{ .Values.certManager.issuerName }}
{{- else -}}
cert-manager.io/issuer: {{ .Values.certManager.issuerName }}
{{- end -}}
{{- end -}}

{{/* Refuses values that would run replicas which cannot cooperate. */}}
{{- define "kubechart.validate" -}}
{{- if gt (int .Values.replicas) 1 -}}
{{- if not .Values.database.existingSecret -}}
{{- fail "replicas > 1 needs PostgreSQL: set database.existingSecret (SQLite serves one replica)" -}}
{{- end -}}
{{- if or (not .Values.jwt.existingSecret) (not .Values.credentialKey.existingSecret) -}}
{{- fail "replicas > 1 need the same keys: set jwt.existingSecret and credentialKey.existingSecret" -}}
{{- end -}}
{{- end -}}
{{- if and .Values.rbac.create (eq .Values.rbac.scope "namespaces") (empty .Values.rbac.namespaces) -}}
{{- fail "rbac.scope=namespaces needs rbac.namespaces" -}}
{{- end -}}
{{- if and .Values.ingress.enabled .Values.httpRoute.enabled -}}
{{- fail "choose one of ingress.enabled and httpRoute.enabled" -}}
{{- end -}}
{{- end -}}

{{/*
The rules KubeChart needs where it deploys; `cluster` adds the cluster-scoped kinds. Every verb
list is the least its feature needs: server-side apply creates and patches (create, patch), plans
and status read (get, list, watch), prune and delete remove (delete).
*/}}
{{- define "kubechart.rules" -}}
# Apply, plan, prune and delete the core objects an AppSpec renders (Pod: the Pod workload kind);
# live status watches pods.
- apiGroups: [""]
  resources: [configmaps, secrets, services, serviceaccounts, persistentvolumeclaims, pods, resourcequotas]
  verbs: [get, list, watch, create, patch, delete]
# Live pod logs.
- apiGroups: [""]
  resources: [pods/log]
  verbs: [get]
# The events view of a deployment.
- apiGroups: ["", events.k8s.io]
  resources: [events]
  verbs: [get, list, watch]
# Workloads: apply/prune/delete; replicasets are also watched for rollout progress.
- apiGroups: [apps]
  resources: [deployments, statefulsets, daemonsets, replicasets]
  verbs: [get, list, watch, create, patch, delete]
# A workload's HorizontalPodAutoscaler.
- apiGroups: [autoscaling]
  resources: [horizontalpodautoscalers]
  verbs: [get, list, watch, create, patch, delete]
# A workload's PodDisruptionBudget.
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: [get, list, watch, create, patch, delete]
# Job and CronJob workloads.
- apiGroups: [batch]
  resources: [jobs, cronjobs]
  verbs: [get, list, watch, create, patch, delete]
# Ingresses and NetworkPolicies of an AppSpec.
- apiGroups: [networking.k8s.io]
  resources: [ingresses, networkpolicies]
  verbs: [get, list, watch, create, patch, delete]
# Roles and bindings of an AppSpec; escalate and bind let KubeChart grant what an app's roles grant
# without holding every such permission itself.
- apiGroups: [rbac.authorization.k8s.io]
  resources: [roles, rolebindings{{ if .cluster }}, clusterroles, clusterrolebindings{{ end }}]
  verbs: [get, list, watch, create, patch, delete, escalate, bind]
# HTTPRoutes (Gateway API).
- apiGroups: [gateway.networking.k8s.io]
  resources: [httproutes]
  verbs: [get, list, watch, create, patch, delete]
# cert-manager Certificates.
- apiGroups: [cert-manager.io]
  resources: [certificates]
  verbs: [get, list, watch, create, patch, delete]
# Envoy Gateway rate limits (BackendTrafficPolicy).
- apiGroups: [gateway.envoyproxy.io]
  resources: [backendtrafficpolicies]
  verbs: [get, list, watch, create, patch, delete]
{{- if .cluster }}
# Cluster-scoped kinds of an AppSpec: the namespace it may create and PersistentVolumes.
- apiGroups: [""]
  resources: [namespaces, persistentvolumes]
  verbs: [get, list, watch, create, patch, delete]
{{- end }}
{{- end -}}

{{/* What the cluster page shows about KubeChart's own rights; cluster-scoped, so never in a Role. */}}
{{- define "kubechart.selfReviewRules" -}}
# The cluster page: what KubeChart may do (rules review, access review)...
- apiGroups: [authorization.k8s.io]
  resources: [selfsubjectrulesreviews, selfsubjectaccessreviews]
  verbs: [create]
# ...and who it is.
- apiGroups: [authentication.k8s.io]
  resources: [selfsubjectreviews]
  verbs: [create]
{{- end -}}
