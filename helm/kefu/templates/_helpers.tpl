{{/* The chart's name. */}}
{{- define "kefu.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's full name, the prefix of every object. */}}
{{- define "kefu.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The name of one service's objects: (dict "root" $ "service" "tickets"). */}}
{{- define "kefu.serviceName" -}}
{{- printf "%s-%s" (include "kefu.fullname" .root) .service | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels every object carries. */}}
{{- define "kefu.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "kefu.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: kefu
{{- end -}}

{{/* Labels that select one service's pods: (dict "root" $ "service" "tickets"). */}}
{{- define "kefu.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kefu.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .service }}
{{- end -}}

{{/* Fails when a map from the values redefines a key the chart writes itself beside it (the
key would be in the manifest twice, which parsers resolve differently or refuse):
(dict "given" .Values.podLabels "taken" $chartLabels "value" "podLabels"). */}}
{{- define "kefu.noRedefinition" -}}
{{- range $key, $_ := .given -}}
{{- if hasKey $.taken $key -}}
{{- fail (printf "%s: the chart sets %s itself (it would be in the manifest twice)" $.value $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* One service's pod labels: the chart's, the component, then `podLabels`:
(dict "root" $ "service" "tickets"). */}}
{{- define "kefu.podLabels" -}}
{{- $labels := include "kefu.labels" .root | fromYaml -}}
{{- $_ := set $labels "app.kubernetes.io/component" .service -}}
{{- include "kefu.noRedefinition" (dict "given" .root.Values.podLabels "taken" $labels "value" "podLabels") -}}
{{- include "kefu.labels" .root }}
app.kubernetes.io/component: {{ .service }}
{{- with .root.Values.podLabels }}
{{ toYaml . }}
{{- end -}}
{{- end -}}

{{/* The image reference: by digest when `image.digest` is set (the tag then only labels
the objects), else by tag. */}}
{{- define "kefu.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (required "image.tag is required" .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The service account pods run as. */}}
{{- define "kefu.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kefu.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret with database URLs, the master key and the SMTP URL. */}}
{{- define "kefu.secretName" -}}
{{- default (printf "%s-secrets" (include "kefu.fullname" .)) .Values.existingSecret -}}
{{- end -}}

{{/* One service's base URL inside the cluster: (dict "root" $ "service" "accounts"). */}}
{{- define "kefu.serviceUrl" -}}
{{- $port := (index .root.Values.services .service).port -}}
{{- printf "http://%s:%d" (include "kefu.serviceName" .) ($port | int64) -}}
{{- end -}}

{{/* Environment of every Kefu container: the shared ConfigMap and Secret. */}}
{{- define "kefu.envFrom" -}}
- configMapRef:
    name: {{ include "kefu.fullname" . }}-config
- secretRef:
    name: {{ include "kefu.secretName" . }}
{{- end -}}

{{/* Volumes every Kefu container writes to under a read-only root filesystem. */}}
{{- define "kefu.scratchVolumes" -}}
- name: tmp
  emptyDir: {}
- name: data
  emptyDir: {}
{{- end -}}

{{- define "kefu.scratchMounts" -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: /var/lib/kefu
{{- end -}}

{{/* The master key: given, kept from the installed Secret, or generated once per render. */}}
{{- define "kefu.masterKey" -}}
{{- if .Values.masterKey -}}
{{- .Values.masterKey -}}
{{- else -}}
{{- if not (hasKey .Values "_generatedMasterKey") -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (printf "%s-secrets" (include "kefu.fullname" .)) -}}
{{- $kept := "" -}}
{{- if and $existing $existing.data -}}
{{- $kept = index $existing.data "KEFU_MASTER_KEY" | default "" | b64dec -}}
{{- end -}}
{{- $_ := set .Values "_generatedMasterKey" (default (randBytes 32) $kept) -}}
{{- end -}}
{{- index .Values "_generatedMasterKey" -}}
{{- end -}}
{{- end -}}

{{/* One service's database URL. */}}
{{- define "kefu.databaseUrl" -}}
{{- $db := .root.Values.database -}}
{{- $credentials := $db.user -}}
{{- if $db.password -}}
{{- $credentials = printf "%s:%s" $db.user (urlquery $db.password) -}}
{{- end -}}
{{- printf "postgres://%s@%s:%d/%s?sslmode=%s" $credentials $db.host ($db.port | int64) (index $db.names .service) $db.sslMode -}}
{{- end -}}

{{/* The Secret's keys. */}}
{{- define "kefu.secretData" -}}
KEFU_MASTER_KEY: {{ include "kefu.masterKey" . | b64enc | quote }}
{{- range $service, $database := .Values.database.names }}
KEFU_{{ upper $service }}_DATABASE_URL: {{ include "kefu.databaseUrl" (dict "root" $ "service" $service) | b64enc | quote }}
{{- end }}
{{- with .Values.mail.smtpUrl }}
KEFU_SMTP_URL: {{ . | b64enc | quote }}
{{- end }}
{{- end -}}

{{/* The ConfigMap's keys: every setting that is not a secret, `extraEnv` last. */}}
{{- define "kefu.configData" -}}
{{- $chart := include "kefu.chartConfigData" . -}}
{{- include "kefu.noRedefinition" (dict "given" .Values.extraEnv "taken" ($chart | fromYaml) "value" "extraEnv") -}}
{{- $chart }}
{{- range $name, $value := .Values.extraEnv }}
{{ $name }}: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/* The ConfigMap's keys the chart sets from its own values. */}}
{{- define "kefu.chartConfigData" -}}
KEFU_PUBLIC_URL: {{ .Values.publicUrl | quote }}
KEFU_DATA_DIR: /var/lib/kefu
KEFU_LOG: {{ .Values.telemetry.logLevel | quote }}
KEFU_LOG_FORMAT: json
KEFU_BUS: kafka
KEFU_KAFKA_BROKERS: {{ .Values.kafka.brokers | quote }}
KEFU_BUS_PARTITIONS: {{ .Values.kafka.partitions | int64 | quote }}
KEFU_JWKS_URL: {{ printf "%s/.well-known/jwks.json" (include "kefu.serviceUrl" (dict "root" . "service" "accounts")) | quote }}
KEFU_MAIL_FROM: {{ .Values.mail.from | quote }}
{{- $routes := list }}
{{- range $service, $spec := .Values.services }}
{{- if ne $service "gateway" }}
{{- $routes = append $routes (printf "%s=%s" $service (include "kefu.serviceUrl" (dict "root" $ "service" $service))) }}
KEFU_{{ upper $service }}_ADDR: {{ printf "0.0.0.0:%d" ($spec.port | int64) | quote }}
{{- end }}
{{- end }}
KEFU_GATEWAY_ROUTES: {{ join "," $routes | quote }}
KEFU_GATEWAY_ADDR: {{ printf "0.0.0.0:%d" (.Values.services.gateway.port | int64) | quote }}
KEFU_RATE_LIMIT_PLANS: {{ .Values.gateway.rateLimitPlans | quote }}
KEFU_GATEWAY_UPLOAD_LIMIT_BYTES: {{ .Values.gateway.uploadLimitBytes | int64 | quote }}
{{- with .Values.gateway.corsOrigins }}
KEFU_CORS_ORIGINS: {{ . | quote }}
{{- end }}
{{- with .Values.gateway.trustedProxies }}
KEFU_TRUSTED_PROXIES: {{ . | quote }}
{{- end }}
{{- with .Values.attachments.objectStoreUrl }}
KEFU_OBJECT_STORE_URL: {{ . | quote }}
{{- end }}
{{- with .Values.telemetry.otlpEndpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ . | quote }}
{{- end }}
{{- end -}}
