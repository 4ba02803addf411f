package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import com.sun.net.httpserver.HttpServer;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.herald.store.StoreProperties;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The deployment files in {@code deploy/} (container image, compose file, Kubernetes manifests,
 * Grafana dashboard), checked as far as they can be without a container engine or a cluster:
 * they parse, the manifests match the Kubernetes API model field by field, the pieces refer to
 * each other correctly, every environment variable names a setting Herald has, the health checks
 * work against an HTTP server, and the dashboard queries metrics Herald exports.
 */
class DeployFilesTest {

    private static final Path ROOT = repositoryRoot();
    private static final Path DEPLOY = ROOT.resolve("deploy");
    private static final Path KUBERNETES = DEPLOY.resolve("kubernetes");
    private static final Path COMPOSE = DEPLOY.resolve("compose.yaml");
    private static final Path DOCKERFILE = DEPLOY.resolve("Dockerfile");
    private static final Path DASHBOARD = DEPLOY.resolve("grafana/herald-dashboard.json");

    private static final String LIVENESS = "/actuator/health/liveness";
    private static final String READINESS = "/actuator/health/readiness";
    private static final String PROMETHEUS = "/actuator/prometheus";
    private static final int HTTP_PORT = 8080;
    /** The heap the container sizes are made for (docs/scaling.md). */
    private static final long HEAP_TARGET = 512L * 1024 * 1024;

    /** Unknown fields and wrong types fail; the Kubernetes model's catch-all for unknown fields is checked separately. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    /** The kinds deploy/kubernetes/ may hold, checked against the Kubernetes API model. */
    private static final Map<String, Class<? extends HasMetadata>> KUBERNETES_KINDS = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);
    private static final String SERVICE_MONITOR = "monitoring.coreos.com/v1/ServiceMonitor";
    private static final String KUSTOMIZATION = "kustomize.config.k8s.io/v1beta1/Kustomization";

    /**
     * The Spring Boot settings (not Herald's own) that the deployment files may set, each one that
     * docs/configuration.md describes for operators. Kept short on purpose: a deployment that needs
     * another Spring setting adds it here, with its reason. Each must exist in Spring Boot's
     * configuration metadata ({@link #allowedSpringSettingsExistInSpringBoot}).
     */
    private static final Set<String> SPRING_SETTINGS = Set.of(
            // the database
            "spring.datasource.url",
            "spring.datasource.username",
            "spring.datasource.password",
            // connections per instance (publish writers, feeds, matcher, maintenance share them)
            "spring.datasource.hikari.maximum-pool-size",
            // the token issuer outside the local profile: one of these is required
            "spring.security.oauth2.resourceserver.jwt.issuer-uri",
            "spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
            "spring.security.oauth2.resourceserver.jwt.audiences",
            // how long each phase of graceful shutdown may take; the grace periods are sized from it
            "spring.lifecycle.timeout-per-shutdown-phase",
            // the port the image exposes and the probes call
            "server.port");

    /** Environment variables that Spring binds to settings; others (JDK_JAVA_OPTIONS, POSTGRES_*) are not settings. */
    private static final Pattern SETTING_VARIABLE = Pattern.compile("^(HERALD|SPRING|SERVER|MANAGEMENT|LOGGING)_");

    /** Herald's configuration records, found on the class path, by prefix. */
    private static final Map<String, Class<?>> HERALD_SETTINGS_CLASSES = heraldSettingsClasses();

    // ---------------------------------------------------------------------------------------------
    // Every YAML file parses
    // ---------------------------------------------------------------------------------------------

    @Test
    void everyYamlFileUnderDeployParses() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(DEPLOY)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        assertThat(files).as("YAML files under deploy/")
                .contains(COMPOSE, KUBERNETES.resolve("kustomization.yaml"), KUBERNETES.resolve("deployment.yaml"));
        for (Path file : files) {
            List<Object> documents = yamlDocuments(file);
            assertThat(documents).as(ROOT.relativize(file) + ": documents").isNotEmpty();
            for (int i = 0; i < documents.size(); i++) {
                assertThat(documents.get(i)).as(ROOT.relativize(file) + ": document " + (i + 1) + " is a mapping")
                        .isInstanceOf(Map.class);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Kubernetes
    // ---------------------------------------------------------------------------------------------

    @Test
    void kubernetesManifestsMatchTheKubernetesApiModel() throws IOException {
        List<Manifest> manifests = kubernetesManifests();
        assertThat(manifests).extracting(Manifest::kind).contains("v1/ConfigMap", "v1/Secret", "v1/Service",
                "apps/v1/Deployment", "policy/v1/PodDisruptionBudget", SERVICE_MONITOR, KUSTOMIZATION);
        for (Manifest manifest : manifests) {
            if (manifest.kind().equals(SERVICE_MONITOR) || manifest.kind().equals(KUSTOMIZATION)) {
                continue; // not Kubernetes API kinds: checked in their own tests
            }
            Class<? extends HasMetadata> type = KUBERNETES_KINDS.get(manifest.kind());
            assertThat(type).as(manifest + ": a kind this test knows (add it to KUBERNETES_KINDS)").isNotNull();
            HasMetadata resource = strictly(manifest.document(), type, manifest.toString());
            assertThat(resource.getMetadata()).as(manifest + ": metadata").isNotNull();
            assertThat(resource.getMetadata().getName()).as(manifest + ": metadata.name").isNotBlank();
            assertThat(resource.getMetadata().getLabels()).as(manifest + ": labels")
                    .containsEntry("app.kubernetes.io/name", "herald");
        }
    }

    @Test
    void kustomizationListsEveryManifestAndTheImage() throws IOException {
        Map<String, Object> kustomization = kubernetesManifests().stream()
                .filter(m -> m.kind().equals(KUSTOMIZATION)).findFirst().orElseThrow().document();
        assertThat(kustomization.keySet()).as("kustomization.yaml fields")
                .isSubsetOf("apiVersion", "kind", "resources", "images", "namespace", "namePrefix", "labels",
                        "commonAnnotations", "patches", "configMapGenerator", "secretGenerator", "generatorOptions");
        assertThat(kustomization).as("kustomization.yaml: commonLabels would rewrite the Deployment's selector")
                .doesNotContainKey("commonLabels");
        List<String> resources = strings(kustomization.get("resources"));
        Set<String> files;
        try (Stream<Path> list = Files.list(KUBERNETES)) {
            files = list.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(resources).as("kustomization.yaml resources: every manifest in deploy/kubernetes, once")
                .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(files);

        String image = deploymentContainer().getImage();
        String imageName = image.replaceFirst("[:@].*$", "");
        for (Object entry : list(kustomization.getOrDefault("images", List.of()))) {
            assertThat(map(entry).get("name")).as("kustomization.yaml images: the Deployment's image name")
                    .isEqualTo(imageName);
        }
    }

    @Test
    void deploymentRunsSeveralHealthCheckedInstancesWithinLimits() throws IOException {
        Deployment deployment = deployment();
        assertThat(deployment.getSpec().getReplicas()).as("replicas").isGreaterThanOrEqualTo(2);
        assertThat(deployment.getSpec().getSelector().getMatchLabels()).as("selector").isNotEmpty();
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).as("pod labels")
                .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
                .as("rolling updates keep every instance until its replacement is ready").isZero();

        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers()).as("containers").hasSize(1);
        Container herald = pod.getContainers().get(0);
        assertThat(herald.getImage()).as("image").isNotBlank();
        assertThat(herald.getPorts()).as("container ports")
                .anySatisfy(p -> assertThat(p.getContainerPort()).isEqualTo(HTTP_PORT));

        // probes on the actuator's health groups, on the HTTP port
        assertProbe(herald, herald.getLivenessProbe(), "livenessProbe", LIVENESS);
        assertProbe(herald, herald.getReadinessProbe(), "readinessProbe", READINESS);
        assertProbe(herald, herald.getStartupProbe(), "startupProbe", LIVENESS);
        Map<String, Object> application = applicationYaml();
        assertThat(at(application, "management.endpoint.health.probes.enabled"))
                .as("application.yml turns on the liveness and readiness groups the probes call").isEqualTo(true);

        // memory: requests = limits (the instance is not the first to go under memory pressure), heap sized from it
        Map<String, Quantity> limits = herald.getResources().getLimits();
        Map<String, Quantity> requests = herald.getResources().getRequests();
        assertThat(limits).as("resource limits").containsKeys("cpu", "memory");
        assertThat(requests).as("resource requests").containsKeys("cpu", "memory");
        BigDecimal memoryLimit = Quantity.getAmountInBytes(limits.get("memory"));
        assertThat(Quantity.getAmountInBytes(requests.get("memory"))).as("memory request = limit")
                .isEqualByComparingTo(memoryLimit);
        assertThat(Quantity.getAmountInBytes(requests.get("cpu")))
                .as("cpu request within its limit").isLessThanOrEqualTo(Quantity.getAmountInBytes(limits.get("cpu")));
        String javaOptions = kubernetesEnvironment().get("JDK_JAVA_OPTIONS");
        assertThat(javaOptions).as("JDK_JAVA_OPTIONS of the Deployment").isNotNull();
        long heap = memoryLimit.multiply(BigDecimal.valueOf(maxRamPercentage(javaOptions)))
                .divide(BigDecimal.valueOf(100)).longValue();
        assertThat(heap).as("heap (MaxRAMPercentage of the memory limit) near the 512 MiB target")
                .isBetween(HEAP_TARGET - HEAP_TARGET / 8, HEAP_TARGET + HEAP_TARGET / 4);
        assertThat(memoryLimit.longValue() - heap).as("memory left beyond the heap (metaspace, threads, buffers)")
                .isGreaterThanOrEqualTo(384L * 1024 * 1024);

        // graceful shutdown fits in the grace period: preStop pause + requests in flight + queued publishes
        long preStop = preStopSleepSeconds(herald);
        Binder binder = binder(kubernetesEnvironment());
        Duration phase = binder.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
                .orElse(Duration.ofSeconds(30));
        Duration groupCommit = binder.bindOrCreate("herald.store", StoreProperties.class).groupCommit().timeout();
        assertThat(pod.getTerminationGracePeriodSeconds()).as("terminationGracePeriodSeconds")
                .isGreaterThanOrEqualTo(preStop + phase.toSeconds() + groupCommit.toSeconds());

        // non-root, read-only, with a writable /tmp
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).as("runAsNonRoot").isTrue();
        assertThat(String.valueOf(pod.getSecurityContext().getRunAsUser()))
                .as("runAsUser is the image's user (deploy/Dockerfile)").isEqualTo(dockerfileUser().split(":")[0]);
        assertThat(herald.getSecurityContext().getReadOnlyRootFilesystem()).as("readOnlyRootFilesystem").isTrue();
        assertThat(herald.getSecurityContext().getAllowPrivilegeEscalation()).as("allowPrivilegeEscalation").isFalse();
        VolumeMount tmp = herald.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/tmp")).findFirst()
                .orElseThrow(() -> new AssertionError("no volume mounted on /tmp: the JVM and Tomcat write there"));
        Volume tmpVolume = pod.getVolumes().stream().filter(v -> v.getName().equals(tmp.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no volume named " + tmp.getName()));
        assertThat(tmpVolume.getEmptyDir()).as("/tmp is an emptyDir").isNotNull();

        // scrape annotations point at the Prometheus endpoint
        Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
        assertThat(annotations).as("pod annotations for Prometheus")
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/path", PROMETHEUS)
                .containsEntry("prometheus.io/port", String.valueOf(HTTP_PORT));
        assertThat(strings(at(application, "management.endpoints.web.exposure.include")))
                .as("application.yml exposes the endpoints the probes and Prometheus call")
                .contains("health", "prometheus");

        // the ConfigMap and Secret it reads exist here
        Set<String> configMaps = kubernetes(ConfigMap.class).stream().map(c -> c.getMetadata().getName()).collect(Collectors.toSet());
        Set<String> secrets = kubernetes(Secret.class).stream().map(s -> s.getMetadata().getName()).collect(Collectors.toSet());
        for (EnvFromSource source : herald.getEnvFrom()) {
            if (source.getConfigMapRef() != null) {
                assertThat(configMaps).as("ConfigMaps in deploy/kubernetes").contains(source.getConfigMapRef().getName());
            }
            if (source.getSecretRef() != null) {
                assertThat(secrets).as("Secrets in deploy/kubernetes").contains(source.getSecretRef().getName());
            }
        }
    }

    @Test
    void serviceAndDisruptionBudgetSelectTheDeploymentsPods() throws IOException {
        Deployment deployment = deployment();
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();

        Service service = single(Service.class);
        assertThat(service.getSpec().getSelector()).as("Service selector: the Deployment's").isEqualTo(selector);
        assertThat(podLabels).as("pod labels").containsAllEntriesOf(service.getSpec().getSelector());
        Container herald = deploymentContainer();
        for (ServicePort port : service.getSpec().getPorts()) {
            assertThat(containerPort(herald, port.getTargetPort())).as("Service port " + port.getName() + " targets")
                    .isEqualTo(HTTP_PORT);
        }

        PodDisruptionBudget budget = single(PodDisruptionBudget.class);
        assertThat(budget.getSpec().getSelector().getMatchLabels()).as("PodDisruptionBudget selector: the Deployment's")
                .isEqualTo(selector);
        assertThat(budget.getSpec().getMinAvailable().getIntVal()).as("minAvailable").isEqualTo(1);
        assertThat(deployment.getSpec().getReplicas()).as("replicas above minAvailable, or no node could ever drain")
                .isGreaterThan(budget.getSpec().getMinAvailable().getIntVal());
    }

    @Test
    void serviceMonitorScrapesThePrometheusEndpoint() throws IOException {
        Manifest manifest = kubernetesManifests().stream().filter(m -> m.kind().equals(SERVICE_MONITOR))
                .findFirst().orElseThrow();
        Map<String, Object> monitor = manifest.document();
        // the Prometheus Operator's CRD, checked by structure (its model is not part of the Kubernetes API)
        assertThat(monitor.keySet()).as(manifest + " fields").isSubsetOf("apiVersion", "kind", "metadata", "spec");
        strictly(monitor.get("metadata"), io.fabric8.kubernetes.api.model.ObjectMeta.class, manifest + " metadata");
        Map<String, Object> spec = map(monitor.get("spec"));
        assertThat(spec.keySet()).as(manifest + " spec fields").isSubsetOf("selector", "endpoints", "namespaceSelector",
                "jobLabel", "targetLabels", "podTargetLabels", "sampleLimit", "targetLimit", "attachMetadata",
                "scrapeProtocols", "scrapeClass", "labelLimit", "labelNameLengthLimit", "labelValueLengthLimit",
                "keepDroppedTargets", "bodySizeLimit");
        var selector = strictly(spec.get("selector"), io.fabric8.kubernetes.api.model.LabelSelector.class,
                manifest + " spec.selector");
        Service service = single(Service.class);
        assertThat(service.getMetadata().getLabels()).as("the Service's labels match the ServiceMonitor's selector")
                .containsAllEntriesOf(selector.getMatchLabels());
        Set<String> servicePorts = service.getSpec().getPorts().stream().map(ServicePort::getName).collect(Collectors.toSet());
        List<Object> endpoints = list(spec.get("endpoints"));
        assertThat(endpoints).as(manifest + " endpoints").isNotEmpty();
        for (Object item : endpoints) {
            Map<String, Object> endpoint = map(item);
            assertThat(endpoint.keySet()).as(manifest + " endpoint fields").isSubsetOf("port", "targetPort", "path",
                    "scheme", "params", "interval", "scrapeTimeout", "honorLabels", "honorTimestamps",
                    "trackTimestampsStaleness", "metricRelabelings", "relabelings", "followRedirects", "enableHttp2",
                    "filterRunning", "tlsConfig", "authorization", "basicAuth", "oauth2", "proxyUrl");
            assertThat(endpoint.get("port")).as("endpoint port: a named port of the Service").isIn(servicePorts);
            assertThat(endpoint.get("path")).as("endpoint path").isEqualTo(PROMETHEUS);
            if (endpoint.containsKey("interval") && endpoint.containsKey("scrapeTimeout")) {
                assertThat(goDuration((String) endpoint.get("scrapeTimeout")))
                        .as("scrapeTimeout within interval")
                        .isLessThanOrEqualTo(goDuration((String) endpoint.get("interval")));
            }
        }
    }

    @Test
    void secretHoldsPlaceholdersOnly() throws IOException {
        for (Secret secret : kubernetes(Secret.class)) {
            assertThat(secret.getData()).as("Secret data: use stringData placeholders").isNullOrEmpty();
            assertThat(secret.getStringData()).as("Secret stringData")
                    .containsKeys("SPRING_DATASOURCE_PASSWORD", "HERALD_SUBSCRIPTIONS_SECRET_KEY")
                    .allSatisfy((key, value) -> assertThat(value).as(key + ": a placeholder, never a real secret")
                            .startsWith("REPLACE"));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Compose
    // ---------------------------------------------------------------------------------------------

    @Test
    void composeRunsTwoInstancesOnPostgres() throws IOException {
        Map<String, Object> compose = compose();
        assertThat(compose.keySet().stream().filter(k -> !k.startsWith("x-")))
                .as("compose.yaml top-level fields").allMatch(k -> Set.of("name", "services", "volumes", "networks",
                        "configs", "secrets", "include").contains(k));
        Map<String, Object> services = map(compose.get("services"));
        assertThat(services).as("services").containsKeys("postgres", "herald-1", "herald-2");
        services.forEach((name, service) -> assertThat(map(service).keySet().stream().filter(k -> !k.startsWith("x-")))
                .as("compose.yaml service " + name + " fields").allMatch(COMPOSE_SERVICE_FIELDS::contains));

        Map<String, Object> postgres = map(services.get("postgres"));
        assertThat((String) postgres.get("image")).as("postgres image").matches("postgres:15([.-].*)?");
        assertThat(postgres).as("postgres healthcheck").containsKey("healthcheck");
        Map<String, String> postgresEnvironment = composeEnvironment(postgres);

        Set<String> volumes = compose.containsKey("volumes") ? map(compose.get("volumes")).keySet() : Set.of();
        Map<String, Integer> hostPorts = new TreeMap<>();
        for (String name : List.of("herald-1", "herald-2")) {
            Map<String, Object> herald = map(services.get(name));
            Map<String, Object> build = map(herald.get("build"));
            Path context = DEPLOY.resolve((String) build.get("context")).normalize();
            assertThat(context).as(name + " build context: the repository root").isEqualTo(ROOT);
            assertThat(context.resolve((String) build.get("dockerfile"))).as(name + " Dockerfile").isEqualTo(DOCKERFILE);

            Map<String, Object> dependsOn = map(herald.get("depends_on"));
            assertThat(map(dependsOn.get("postgres")).get("condition")).as(name + " waits for postgres to be healthy")
                    .isEqualTo("service_healthy");
            dependsOn.keySet().forEach(d -> assertThat(services).as(name + " depends on a service that exists").containsKey(d));

            Map<String, Object> healthcheck = map(herald.get("healthcheck"));
            assertThat(healthcheck.keySet()).as(name + " healthcheck fields")
                    .isSubsetOf("test", "interval", "timeout", "retries", "start_period", "start_interval", "disable");
            assertThat(composeDuration(herald.get("stop_grace_period")))
                    .as(name + " stop_grace_period: room for graceful shutdown")
                    .isGreaterThanOrEqualTo(shutdownTime(composeEnvironment(herald)));

            for (String port : strings(herald.get("ports"))) {
                Matcher m = Pattern.compile("(?:[\\d.]+:)?(\\d+):(\\d+)").matcher(port);
                assertThat(m.matches()).as(name + " port " + port).isTrue();
                assertThat(Integer.parseInt(m.group(2))).as(name + " container port").isEqualTo(HTTP_PORT);
                hostPorts.put(name, Integer.parseInt(m.group(1)));
            }

            Map<String, String> environment = composeEnvironment(herald);
            Matcher url = Pattern.compile("jdbc:postgresql://postgres:5432/(\\w+)").matcher(environment.get("SPRING_DATASOURCE_URL"));
            assertThat(url.matches()).as(name + " SPRING_DATASOURCE_URL points at the postgres service").isTrue();
            assertThat(url.group(1)).as(name + " database").isEqualTo(postgresEnvironment.get("POSTGRES_DB"));
            assertThat(environment.get("SPRING_DATASOURCE_USERNAME")).isEqualTo(postgresEnvironment.get("POSTGRES_USER"));
            assertThat(environment.get("SPRING_DATASOURCE_PASSWORD")).isEqualTo(postgresEnvironment.get("POSTGRES_PASSWORD"));
            assertThat(Base64.getDecoder().decode(environment.get("HERALD_SUBSCRIPTIONS_SECRET_KEY")))
                    .as(name + " HERALD_SUBSCRIPTIONS_SECRET_KEY: base64 of 32 bytes").hasSize(32);
        }
        assertThat(hostPorts).as("host ports").containsEntry("herald-1", 8081).containsEntry("herald-2", 8082);

        for (Object service : services.values()) {
            for (String mount : strings(map(service).getOrDefault("volumes", List.of()))) {
                String source = mount.split(":")[0];
                if (!source.startsWith(".") && !source.startsWith("/")) {
                    assertThat(volumes).as("named volume " + source + " is declared").contains(source);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Environment variables -> Herald's settings
    // ---------------------------------------------------------------------------------------------

    @Test
    void heraldsSettingsAreFoundFromItsConfigurationRecords() {
        assertThat(HERALD_SETTINGS_CLASSES.values()).extracting(Class::getName).contains(
                "io.herald.store.StoreProperties", "io.herald.subscriptions.SubscriptionsProperties",
                "io.herald.api.publish.PublishProperties", "io.herald.api.feed.FeedProperties",
                "io.herald.api.security.SecurityProperties", "io.herald.api.security.LocalProperties",
                "io.herald.api.database.LocalDatabaseProperties");
        assertThat(heraldSettings()).contains("herald.store.group-commit.queue-capacity",
                "herald.subscriptions.secret-key", "herald.subscriptions.matcher.lease-duration",
                "herald.local-database.enabled");
    }

    @Test
    void allowedSpringSettingsExistInSpringBoot() throws IOException {
        Set<String> known = new TreeSet<>();
        for (Resource resource : new PathMatchingResourcePatternResolver()
                .getResources("classpath*:META-INF/spring-configuration-metadata.json")) {
            try (InputStream in = resource.getInputStream()) {
                Map<String, Object> metadata = map(JSON.readValue(in, Map.class));
                list(metadata.getOrDefault("properties", List.of())).forEach(p -> known.add((String) map(p).get("name")));
            }
        }
        assertThat(known).as("Spring Boot's configuration metadata").isNotEmpty();
        assertThat(known).as("SPRING_SETTINGS are settings Spring Boot has").containsAll(SPRING_SETTINGS);
    }

    @Test
    void everyEnvironmentVariableNamesASettingThatExists() throws IOException {
        Map<String, Map<String, String>> places = new LinkedHashMap<>();
        Map<String, Object> services = map(compose().get("services"));
        for (String name : List.of("herald-1", "herald-2")) {
            places.put("compose.yaml " + name, composeEnvironment(map(services.get(name))));
        }
        for (ConfigMap configMap : kubernetes(ConfigMap.class)) {
            places.put("ConfigMap " + configMap.getMetadata().getName(), configMap.getData() == null ? Map.of() : configMap.getData());
        }
        for (Secret secret : kubernetes(Secret.class)) {
            places.put("Secret " + secret.getMetadata().getName(), secret.getStringData() == null ? Map.of() : secret.getStringData());
        }
        places.put("Deployment env", deploymentContainer().getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, e -> String.valueOf(e.getValue()))));
        places.put("Dockerfile ENV", dockerfileEnvironment());

        Set<String> settings = new TreeSet<>(heraldSettings());
        settings.addAll(SPRING_SETTINGS);
        List<String> unknown = new ArrayList<>();
        places.forEach((place, environment) -> environment.keySet().stream()
                .filter(variable -> SETTING_VARIABLE.matcher(variable).lookingAt())
                .filter(variable -> settings.stream().noneMatch(setting -> bindsFrom(setting, variable)))
                .forEach(variable -> unknown.add(place + ": " + variable)));
        assertThat(unknown).as("environment variables that name no Herald setting (herald.* records) and no allowed "
                + "Spring setting (SPRING_SETTINGS in this test)").isEmpty();
    }

    @Test
    void everyInstanceHasADatabaseATokenIssuerAndASecretKey() throws IOException {
        instances().forEach((instance, environment) -> {
            assertThat(environment.get("SPRING_DATASOURCE_URL")).as(instance + ": SPRING_DATASOURCE_URL")
                    .startsWith("jdbc:postgresql://");
            assertThat(environment).as(instance + ": never a local or embedded database")
                    .containsEntry("HERALD_LOCAL_DATABASE_ENABLED", "false")
                    .containsKeys("SPRING_DATASOURCE_USERNAME", "SPRING_DATASOURCE_PASSWORD", "HERALD_SUBSCRIPTIONS_SECRET_KEY");
            assertThat(Stream.of("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI",
                            "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI")
                    .map(environment::get).filter(v -> v != null && v.startsWith("https://")))
                    .as(instance + ": a token issuer or key set (the local profile cannot run in a container)").isNotEmpty();
            assertThat(environment.get("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES"))
                    .as(instance + ": the audience a token must name (docs/operations.md calls it required)").isNotBlank();
            assertThat(environment.getOrDefault("SPRING_PROFILES_ACTIVE", "")).as(instance + ": profiles")
                    .doesNotContain("local");
        });
    }

    @Test
    void environmentValuesAreValidHeraldSettings() throws IOException {
        instances().forEach((unit, environment) -> {
            Binder binder = binder(environment);
            HERALD_SETTINGS_CLASSES.forEach((prefix, type) -> {
                try {
                    binder.bindOrCreate(prefix, type);
                } catch (RuntimeException e) {
                    fail(unit + ": its " + prefix + ".* values are refused: " + rootMessage(e));
                }
            });
            binder.bind("spring.datasource.hikari.maximum-pool-size", Integer.class).ifBound(pool -> assertThat(pool)
                    .as(unit + ": pool larger than the publish writers (docs/configuration.md)")
                    .isGreaterThan(binder.bindOrCreate("herald.store", StoreProperties.class).groupCommit().writers()));
        });
    }

    /** The environment each kind of Herald instance gets. */
    private static Map<String, Map<String, String>> instances() throws IOException {
        Map<String, Object> services = map(compose().get("services"));
        Map<String, Map<String, String>> instances = new LinkedHashMap<>();
        for (String name : List.of("herald-1", "herald-2")) {
            Map<String, String> environment = new LinkedHashMap<>(dockerfileEnvironment());
            environment.putAll(composeEnvironment(map(services.get(name))));
            instances.put("compose.yaml " + name, environment);
        }
        Map<String, String> kubernetes = new LinkedHashMap<>(dockerfileEnvironment());
        kubernetes.putAll(kubernetesEnvironment());
        instances.put("deploy/kubernetes", kubernetes);
        return instances;
    }

    // ---------------------------------------------------------------------------------------------
    // Dockerfile
    // ---------------------------------------------------------------------------------------------

    @Test
    void dockerfileBuildsALayeredNonRootImage() throws IOException {
        List<Instruction> instructions = dockerfile();
        List<Instruction> froms = instructions.stream().filter(i -> i.is("FROM")).toList();
        assertThat(froms).as("stages").hasSize(2);
        assertThat(froms.get(0).arguments()).as("build stage: a maintained Maven + Temurin 17 image, pinned")
                .matches("maven:3\\.9\\.\\d+-eclipse-temurin-17\\S* AS build");
        assertThat(froms.get(1).arguments()).as("runtime stage: Temurin 17 JRE, pinned to a release")
                .matches("eclipse-temurin:17\\.\\d+\\.\\d+_\\d+-jre(-[a-z0-9]+)?(@sha256:[0-9a-f]{64})?");

        List<Instruction> build = stage(instructions, 0);
        assertThat(build).filteredOn(i -> i.is("RUN")).extracting(Instruction::arguments)
                .anySatisfy(run -> assertThat(run).contains("mvn -B -ntp").contains("-DskipTests").contains("package"))
                .anySatisfy(run -> assertThat(run).contains("-Djarmode=tools")
                        .contains("extract --layers --launcher --destination"));
        Set<String> copied = build.stream().filter(i -> i.is("COPY")).map(i -> i.arguments().split("\\s+")[0])
                .collect(Collectors.toSet());
        for (String module : rootModules()) {
            assertThat(copied).as("module " + module + " (or its POM) is copied into the build stage")
                    .containsAnyOf(module, module + "/pom.xml");
        }
        assertThat(copied).contains("pom.xml");

        List<Instruction> runtime = stage(instructions, 1);
        List<String> layers = runtime.stream().filter(i -> i.is("COPY") && i.arguments().startsWith("--from=build"))
                .map(i -> i.arguments().replaceFirst("^--from=build\\s+/extracted/([a-z-]+)/.*$", "$1")).toList();
        assertThat(layers).as("Spring Boot's layers, least likely to change first")
                .containsExactly("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");
        int lastCopy = lastIndex(runtime, "COPY");
        int user = lastIndex(runtime, "USER");
        assertThat(user).as("USER after the files are copied").isGreaterThan(lastCopy);
        assertThat(dockerfileUser()).as("USER: numeric (runAsNonRoot can verify it) and not root")
                .matches("\\d+(:\\d+)?").doesNotStartWith("0");
        assertThat(runtime).filteredOn(i -> i.is("EXPOSE")).extracting(Instruction::arguments)
                .containsExactly(String.valueOf(HTTP_PORT));
        assertThat(maxRamPercentage(dockerfileEnvironment().get("JDK_JAVA_OPTIONS")))
                .as("the image's default heap share").isBetween(40.0, 75.0);
        assertThat(runtime).filteredOn(i -> i.is("ENTRYPOINT")).extracting(Instruction::arguments).singleElement()
                .as("exec form (java is PID 1 and gets SIGTERM), on the extracted layers")
                .isEqualTo("[\"java\", \"org.springframework.boot.loader.launch.JarLauncher\"]");
        assertThat(runtime).filteredOn(i -> i.is("HEALTHCHECK")).singleElement().extracting(Instruction::arguments)
                .asString().contains(LIVENESS);
    }

    @Test
    void dockerignoreKeepsBuildOutputOutButNothingTheImageNeeds() throws IOException {
        List<String> patterns = Files.readAllLines(ROOT.resolve(".dockerignore")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(patterns).as(".dockerignore: local build output is not sent").anyMatch(p -> p.contains("target"));
        List<String> sources = stage(dockerfile(), 0).stream().filter(i -> i.is("COPY"))
                .map(i -> i.arguments().split("\\s+")[0]).toList();
        for (String source : sources) {
            for (String pattern : patterns) {
                assertThat(Pattern.matches(glob(pattern.replaceFirst("/$", "")), source))
                        .as(".dockerignore pattern " + pattern + " excludes " + source + ", which the build copies")
                        .isFalse();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Health checks, run against an HTTP server that stands in for Herald
    // ---------------------------------------------------------------------------------------------

    @Test
    void healthChecksPassOnlyWhileTheHealthGroupAnswers200() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")),
                "the health checks run bash");
        String healthcheck = stage(dockerfile(), 1).stream().filter(i -> i.is("HEALTHCHECK")).findFirst().orElseThrow()
                .arguments();
        List<String> imageCheck = execForm(healthcheck.substring(healthcheck.indexOf("CMD") + 3).strip());
        assertHealthCheck("Dockerfile HEALTHCHECK", imageCheck, LIVENESS);

        Map<String, Object> services = map(compose().get("services"));
        for (String name : List.of("herald-1", "herald-2")) {
            List<String> test = strings(map(map(services.get(name)).get("healthcheck")).get("test"));
            assertHealthCheck("compose.yaml " + name + " healthcheck", composeCommand(test), READINESS);
        }
    }

    private static void assertHealthCheck(String what, List<String> command, String path) throws Exception {
        AtomicInteger status = new AtomicInteger(200);
        List<String> requested = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requested.add(exchange.getRequestURI().getPath());
            int answer = exchange.getRequestURI().getPath().equals(path) ? status.get() : 404;
            byte[] body = ("{\"status\":\"" + (answer == 200 ? "UP" : "DOWN") + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        try {
            assertThat(run(command, port)).as(what + " passes while " + path + " answers 200").isZero();
            assertThat(requested).as(what + " asks for").contains(path);
            status.set(503);
            assertThat(run(command, port)).as(what + " fails while " + path + " answers 503").isNotZero();
        } finally {
            server.stop(0);
        }
        assertThat(run(command, port)).as(what + " fails when nothing listens").isNotZero();
    }

    private static int run(List<String> command, int port) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SERVER_PORT", String.valueOf(port));
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("health check did not finish within 10 s: " + command);
        }
        return process.exitValue();
    }

    // ---------------------------------------------------------------------------------------------
    // Grafana dashboard
    // ---------------------------------------------------------------------------------------------

    /**
     * Metrics the delivery panels show, which come with push delivery (the dispatcher): until its
     * code registers them, the panels say so in their description. Names as the dispatcher's
     * DeliveryMetrics registers them: herald.delivery.attempts (by outcome), .dead.letters,
     * .postponed and the .latency timer with its histogram.
     */
    private static final Set<String> DISPATCHER_METRICS = Set.of(
            "herald_delivery_attempts_total", "herald_delivery_dead_letters_total", "herald_delivery_postponed_total",
            "herald_delivery_latency_seconds_bucket", "herald_delivery_latency_seconds_sum",
            "herald_delivery_latency_seconds_count", "herald_delivery_latency_seconds_max");

    @Test
    void dashboardPanelsQueryMetricsHeraldExports() throws IOException {
        Map<String, Object> dashboard = map(JSON.readValue(Files.readString(DASHBOARD), Map.class));
        assertThat(dashboard).containsKeys("uid", "title", "panels", "schemaVersion");
        assertThat(list(map(dashboard.get("templating")).get("list"))).as("a Prometheus data source variable")
                .anySatisfy(v -> assertThat(map(v)).containsEntry("name", "datasource").containsEntry("type", "datasource")
                        .containsEntry("query", "prometheus"));

        List<Map<String, Object>> panels = new ArrayList<>();
        collectPanels(list(dashboard.get("panels")), panels);
        assertThat(panels).as("panels").hasSizeGreaterThanOrEqualTo(10);
        Set<Object> ids = new LinkedHashSet<>();
        Set<String> herald = heraldMetricsInCode();
        Set<String> queried = new TreeSet<>();
        for (Map<String, Object> panel : panels) {
            assertThat(ids.add(panel.get("id"))).as("panel id " + panel.get("id") + " is unique").isTrue();
            Map<String, Object> grid = map(panel.get("gridPos"));
            assertThat(((Number) grid.get("x")).intValue() + ((Number) grid.get("w")).intValue())
                    .as(panel.get("title") + ": within the 24 columns").isLessThanOrEqualTo(24);
            if ("row".equals(panel.get("type"))) {
                continue;
            }
            String title = (String) panel.get("title");
            assertThat(title).as("panel title").isNotBlank();
            assertThat((String) panel.get("description")).as(title + ": description").isNotBlank();
            assertThat(map(panel.get("datasource")).get("uid")).as(title + ": data source").isEqualTo("${datasource}");
            List<Object> targets = list(panel.get("targets"));
            assertThat(targets).as(title + ": targets").isNotEmpty();
            Set<Object> refIds = new LinkedHashSet<>();
            for (Object item : targets) {
                Map<String, Object> target = map(item);
                String expr = (String) target.get("expr");
                assertThat(expr).as(title + ": query").isNotBlank();
                assertThat(refIds.add(target.get("refId"))).as(title + ": refId unique").isTrue();
                assertThat(balanced(expr)).as(title + ": brackets balanced in " + expr).isTrue();
                Matcher metric = Pattern.compile("\\b(herald_[a-z0-9_]+)").matcher(expr);
                while (metric.find()) {
                    queried.add(metric.group(1));
                    if (DISPATCHER_METRICS.contains(metric.group(1)) && !herald.contains(metric.group(1))) {
                        assertThat((String) panel.get("description")).as(title + ": says its metric comes with push delivery")
                                .contains("once push delivery ships");
                    } else {
                        assertThat(herald).as(title + ": " + metric.group(1) + " is a metric Herald registers").contains(metric.group(1));
                    }
                }
            }
        }
        assertThat(queried).as("the dashboard shows Herald's own metrics").contains("herald_matcher_lag_seconds",
                "herald_matcher_lag_events", "herald_matcher_events_total", "herald_matcher_deliveries_total",
                "herald_subscriptions_validation_total", "herald_delivery_attempts_total",
                "herald_delivery_dead_letters_total");
    }

    private static void collectPanels(List<Object> panels, List<Map<String, Object>> into) {
        for (Object item : panels) {
            Map<String, Object> panel = map(item);
            into.add(panel);
            if (panel.get("panels") instanceof List<?> nested) {
                collectPanels(new ArrayList<>(nested), into);
            }
        }
    }

    /** Prometheus names of the meters registered in Herald's code (Micrometer: dots to underscores, counters _total). */
    private static Set<String> heraldMetricsInCode() throws IOException {
        Pattern builder = Pattern.compile(
                "\\b(Counter|FunctionCounter|Gauge|TimeGauge|Timer|FunctionTimer|LongTaskTimer|DistributionSummary)"
                        + "\\s*\\.\\s*builder\\s*\\(\\s*\"(herald\\.[a-z0-9._]+)\"");
        Pattern shortcut = Pattern.compile("\\.(counter|gauge|timer|summary)\\s*\\(\\s*\"(herald\\.[a-z0-9._]+)\"");
        Set<String> names = new TreeSet<>();
        List<Path> sources = new ArrayList<>();
        for (String module : rootModules()) {
            Path main = ROOT.resolve(module).resolve("src/main/java");
            if (Files.isDirectory(main)) {
                try (Stream<Path> walk = Files.walk(main)) {
                    walk.filter(p -> p.toString().endsWith(".java")).forEach(sources::add);
                }
            }
        }
        for (Path source : sources) {
            String code = Files.readString(source);
            for (Pattern pattern : List.of(builder, shortcut)) {
                Matcher m = pattern.matcher(code);
                while (m.find()) {
                    String base = m.group(2).replace('.', '_');
                    switch (m.group(1).toLowerCase()) {
                        case "counter", "functioncounter" -> names.add(base.endsWith("_total") ? base : base + "_total");
                        case "gauge", "timegauge" -> names.add(base);
                        case "timer", "functiontimer", "longtasktimer" ->
                                Stream.of("_count", "_sum", "_max", "_bucket").forEach(s -> names.add(base + "_seconds" + s));
                        default -> Stream.of("_count", "_sum", "_max", "_bucket").forEach(s -> names.add(base + s));
                    }
                }
            }
        }
        assertThat(names).as("meters found in Herald's code").isNotEmpty();
        return names;
    }

    private static boolean balanced(String expr) {
        StringBuilder open = new StringBuilder();
        boolean quoted = false;
        for (char c : expr.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && "({[".indexOf(c) >= 0) {
                open.append(c);
            } else if (!quoted && ")}]".indexOf(c) >= 0) {
                if (open.isEmpty() || "({[".indexOf(open.charAt(open.length() - 1)) != ")}]".indexOf(c)) {
                    return false;
                }
                open.setLength(open.length() - 1);
            }
        }
        return open.isEmpty() && !quoted;
    }

    // ---------------------------------------------------------------------------------------------
    // Kubernetes helpers
    // ---------------------------------------------------------------------------------------------

    private record Manifest(Path file, int index, Map<String, Object> document) {
        String kind() {
            return document.get("apiVersion") + "/" + document.get("kind");
        }

        @Override
        public String toString() {
            return ROOT.relativize(file) + " #" + (index + 1) + " (" + kind() + ")";
        }
    }

    private static List<Manifest> kubernetesManifests() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(KUBERNETES)) {
            files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        List<Manifest> manifests = new ArrayList<>();
        for (Path file : files) {
            List<Object> documents = yamlDocuments(file);
            for (int i = 0; i < documents.size(); i++) {
                Map<String, Object> document = map(documents.get(i));
                assertThat(document).as(ROOT.relativize(file) + " #" + (i + 1)).containsKeys("apiVersion", "kind");
                manifests.add(new Manifest(file, i, document));
            }
        }
        return manifests;
    }

    private static <T extends HasMetadata> List<T> kubernetes(Class<T> type) throws IOException {
        List<T> resources = new ArrayList<>();
        for (Manifest manifest : kubernetesManifests()) {
            if (type.equals(KUBERNETES_KINDS.get(manifest.kind()))) {
                resources.add(strictly(manifest.document(), type, manifest.toString()));
            }
        }
        return resources;
    }

    private static <T extends HasMetadata> T single(Class<T> type) throws IOException {
        List<T> resources = kubernetes(type);
        assertThat(resources).as(type.getSimpleName() + "s in deploy/kubernetes").hasSize(1);
        return resources.get(0);
    }

    private static Deployment deployment() throws IOException {
        return single(Deployment.class);
    }

    private static Container deploymentContainer() throws IOException {
        return deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    /** What Herald's container sees: the ConfigMaps and Secrets it loads, then its own env (which wins). */
    private static Map<String, String> kubernetesEnvironment() throws IOException {
        Container herald = deploymentContainer();
        Map<String, String> environment = new LinkedHashMap<>();
        for (EnvFromSource source : herald.getEnvFrom()) {
            if (source.getConfigMapRef() != null) {
                kubernetes(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals(source.getConfigMapRef().getName()))
                        .forEach(c -> environment.putAll(c.getData()));
            }
            if (source.getSecretRef() != null) {
                kubernetes(Secret.class).stream().filter(s -> s.getMetadata().getName().equals(source.getSecretRef().getName()))
                        .forEach(s -> environment.putAll(s.getStringData()));
            }
        }
        for (EnvVar variable : herald.getEnv()) {
            environment.put(variable.getName(), variable.getValue());
        }
        return environment;
    }

    /**
     * The value as the Kubernetes API model reads it: a wrong type fails, and so does a field the
     * model does not have (which it would otherwise keep aside as an "additional property"), and a
     * quantity that does not parse.
     */
    private static <T> T strictly(Object document, Class<T> type, String where) {
        T value;
        try {
            value = JSON.convertValue(document, type);
        } catch (RuntimeException e) {
            throw new AssertionError(where + " does not match the Kubernetes model of " + type.getSimpleName() + ": "
                    + rootMessage(e), e);
        }
        List<String> problems = new ArrayList<>();
        inspect(value, type.getSimpleName(), problems, 0);
        assertThat(problems).as(where + ": fields the Kubernetes model does not have, or values it cannot read").isEmpty();
        return value;
    }

    private static void inspect(Object value, String path, List<String> problems, int depth) {
        if (value == null || depth > 40) {
            return;
        }
        if (value instanceof List<?> items) {
            for (int i = 0; i < items.size(); i++) {
                inspect(items.get(i), path + "[" + i + "]", problems, depth + 1);
            }
            return;
        }
        if (value instanceof Map<?, ?> entries) {
            entries.forEach((key, item) -> inspect(item, path + "." + key, problems, depth + 1));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method method : value.getClass().getMethods()) {
            String name = method.getName();
            if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers())
                    || !name.startsWith("get") || name.length() == 3 || method.getDeclaringClass() == Object.class) {
                continue;
            }
            Object child;
            try {
                child = method.invoke(value);
            } catch (InvocationTargetException e) {
                problems.add(path + "." + name.substring(3) + ": " + e.getCause());
                continue;
            } catch (IllegalAccessException e) {
                continue;
            }
            if (name.equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra) {
                    extra.keySet().forEach(key -> problems.add(path + "." + key));
                }
            } else {
                inspect(child, path + "." + Character.toLowerCase(name.charAt(3)) + name.substring(4), problems, depth + 1);
            }
        }
    }

    private static void assertProbe(Container container, Probe probe, String name, String path) {
        assertThat(probe).as(name).isNotNull();
        HTTPGetAction get = probe.getHttpGet();
        assertThat(get).as(name + ": an HTTP GET").isNotNull();
        assertThat(get.getPath()).as(name + " path").isEqualTo(path);
        assertThat(containerPort(container, get.getPort())).as(name + " port").isEqualTo(HTTP_PORT);
    }

    /** The container port a Service or probe names, by number or by name. */
    private static Integer containerPort(Container container, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
                .map(p -> p.getContainerPort()).orElse(null);
    }

    private static long preStopSleepSeconds(Container container) {
        if (container.getLifecycle() == null || container.getLifecycle().getPreStop() == null) {
            return 0;
        }
        var preStop = container.getLifecycle().getPreStop();
        if (preStop.getSleep() != null) {
            return preStop.getSleep().getSeconds();
        }
        List<String> command = preStop.getExec() == null ? List.of() : preStop.getExec().getCommand();
        assertThat(command).as("preStop: a pause ([sleep, N])").hasSize(2).first().isEqualTo("sleep");
        return Long.parseLong(command.get(1));
    }

    private static double maxRamPercentage(String javaOptions) {
        assertThat(javaOptions).as("Java options").isNotNull();
        Matcher m = Pattern.compile("-XX:MaxRAMPercentage=([\\d.]+)").matcher(javaOptions);
        assertThat(m.find()).as("-XX:MaxRAMPercentage in " + javaOptions).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** Kubernetes and Prometheus durations: 15s, 1m30s, 500ms. */
    private static Duration goDuration(String value) {
        Matcher m = Pattern.compile("(\\d+)(ms|h|m|s)").matcher(value);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long amount = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMillis(amount);
            });
            end = m.end();
        }
        assertThat(end).as("duration " + value).isEqualTo(value.length()).isPositive();
        return total;
    }

    // ---------------------------------------------------------------------------------------------
    // Compose helpers
    // ---------------------------------------------------------------------------------------------

    /** The service-level fields of the Compose specification. */
    private static final Set<String> COMPOSE_SERVICE_FIELDS = Set.of("annotations", "attach", "build", "blkio_config",
            "cpu_count", "cpu_percent", "cpu_shares", "cpu_period", "cpu_quota", "cpu_rt_runtime", "cpu_rt_period",
            "cpus", "cpuset", "cap_add", "cap_drop", "cgroup", "cgroup_parent", "command", "configs", "container_name",
            "credential_spec", "depends_on", "deploy", "develop", "device_cgroup_rules", "devices", "dns", "dns_opt",
            "dns_search", "domainname", "entrypoint", "env_file", "environment", "expose", "extends", "external_links",
            "extra_hosts", "gpus", "group_add", "healthcheck", "hostname", "image", "init", "ipc", "isolation", "labels",
            "label_file", "links", "logging", "mac_address", "mem_limit", "mem_reservation", "mem_swappiness",
            "memswap_limit", "network_mode", "networks", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit",
            "platform", "ports", "post_start", "pre_stop", "privileged", "profiles", "pull_policy", "read_only",
            "restart", "runtime", "scale", "secrets", "security_opt", "shm_size", "stdin_open", "stop_grace_period",
            "stop_signal", "storage_opt", "sysctls", "tmpfs", "tty", "ulimits", "user", "userns_mode", "uts", "volumes",
            "volumes_from", "working_dir");

    private static Map<String, Object> compose() throws IOException {
        List<Object> documents = yamlDocuments(COMPOSE);
        assertThat(documents).as("compose.yaml documents").hasSize(1);
        return map(documents.get(0));
    }

    /** A service's environment as the container gets it: Compose's ${VAR:-default} taken at its default, $$ as $. */
    private static Map<String, String> composeEnvironment(Map<String, Object> service) {
        Map<String, String> environment = new LinkedHashMap<>();
        Object declared = service.get("environment");
        if (declared instanceof Map<?, ?> entries) {
            entries.forEach((k, v) -> environment.put(String.valueOf(k), v == null ? "" : interpolate(String.valueOf(v))));
        } else if (declared instanceof List<?> entries) {
            for (Object entry : entries) {
                String[] pair = String.valueOf(entry).split("=", 2);
                environment.put(pair[0], pair.length > 1 ? interpolate(pair[1]) : "");
            }
        }
        return environment;
    }

    private static String interpolate(String value) {
        Matcher m = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?]([^}]*))?}").matcher(value);
        StringBuilder result = new StringBuilder();
        while (m.find()) {
            String replacement = m.group().equals("$$") ? "$" : (m.group(2) == null ? "" : m.group(2));
            m.appendReplacement(result, Matcher.quoteReplacement(replacement));
        }
        return m.appendTail(result).toString();
    }

    /** The command a Compose healthcheck runs; every $ in it must be written $$, or Compose substitutes it. */
    private static List<String> composeCommand(List<String> test) {
        assertThat(test).as("healthcheck test").isNotEmpty();
        for (String part : test) {
            assertThat(part.replace("$$", "")).as("healthcheck: a lone $ is taken by Compose from the host's environment")
                    .doesNotContain("$");
        }
        List<String> command = test.stream().map(part -> part.replace("$$", "$")).toList();
        return switch (command.get(0)) {
            case "CMD" -> command.subList(1, command.size());
            case "CMD-SHELL" -> List.of("/bin/sh", "-c", command.get(1));
            default -> throw new AssertionError("healthcheck test starts with CMD or CMD-SHELL: " + test);
        };
    }

    private static Duration composeDuration(Object value) {
        assertThat(value).as("a Compose duration").isNotNull();
        return goDuration(String.valueOf(value));
    }

    /** The longest graceful shutdown the settings allow: requests in flight, then queued publishes. */
    private static Duration shutdownTime(Map<String, String> environment) {
        Binder binder = binder(environment);
        Duration phase = binder.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class).orElse(Duration.ofSeconds(30));
        return phase.plus(binder.bindOrCreate("herald.store", StoreProperties.class).groupCommit().timeout());
    }

    // ---------------------------------------------------------------------------------------------
    // Dockerfile helpers
    // ---------------------------------------------------------------------------------------------

    private record Instruction(String keyword, String arguments, int stage) {
        boolean is(String name) {
            return keyword.equalsIgnoreCase(name);
        }
    }

    private static List<Instruction> dockerfile() throws IOException {
        StringBuilder logical = new StringBuilder();
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(DOCKERFILE)) {
            if (line.strip().startsWith("#")) {
                continue; // comments, parser directives, and comment lines inside continuations
            }
            if (line.endsWith("\\")) {
                logical.append(line, 0, line.length() - 1);
                continue;
            }
            logical.append(line);
            if (!logical.toString().isBlank()) {
                lines.add(logical.toString().strip());
            }
            logical.setLength(0);
        }
        List<Instruction> instructions = new ArrayList<>();
        int stage = -1;
        for (String line : lines) {
            String[] parts = line.split("\\s+", 2);
            if (parts[0].equalsIgnoreCase("FROM")) {
                stage++;
            }
            instructions.add(new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1] : "", stage));
        }
        return instructions;
    }

    private static List<Instruction> stage(List<Instruction> instructions, int stage) {
        return instructions.stream().filter(i -> i.stage() == stage).toList();
    }

    private static int lastIndex(List<Instruction> instructions, String keyword) {
        int index = -1;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).is(keyword)) {
                index = i;
            }
        }
        return index;
    }

    private static String dockerfileUser() throws IOException {
        List<Instruction> users = stage(dockerfile(), 1).stream().filter(i -> i.is("USER")).toList();
        assertThat(users).as("USER in the runtime stage").isNotEmpty();
        return users.get(users.size() - 1).arguments();
    }

    /** The runtime stage's ENV, as KEY=value or KEY="value with spaces" pairs. */
    private static Map<String, String> dockerfileEnvironment() throws IOException {
        Map<String, String> environment = new LinkedHashMap<>();
        Pattern pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)");
        for (Instruction env : stage(dockerfile(), 1).stream().filter(i -> i.is("ENV")).toList()) {
            Matcher m = pair.matcher(env.arguments());
            while (m.find()) {
                String value = m.group(2);
                environment.put(m.group(1), value.startsWith("\"") ? value.substring(1, value.length() - 1) : value);
            }
        }
        return environment;
    }

    private static List<String> execForm(String arguments) {
        if (!arguments.startsWith("[")) {
            return List.of("/bin/sh", "-c", arguments);
        }
        return strings(JSON.readValue(arguments, List.class));
    }

    private static List<String> rootModules() throws IOException {
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        List<String> modules = new ArrayList<>();
        while (m.find()) {
            modules.add(m.group(1).strip());
        }
        assertThat(modules).as("modules of the root POM").isNotEmpty();
        return modules;
    }

    /** A .dockerignore pattern as a regular expression over paths relative to the build context. */
    private static String glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (pattern.startsWith("**/", i)) {
                regex.append("(?:.*/)?");
                i += 2;
            } else if (pattern.startsWith("**", i)) {
                regex.append(".*");
                i += 1;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    // ---------------------------------------------------------------------------------------------
    // Settings helpers
    // ---------------------------------------------------------------------------------------------

    private static Map<String, Class<?>> heraldSettingsClasses() {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        Map<String, Class<?>> classes = new TreeMap<>();
        for (var candidate : scanner.findCandidateComponents("io.herald")) {
            try {
                Class<?> type = Class.forName(candidate.getBeanClassName());
                ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
                String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
                if (prefix.startsWith("herald.")) {
                    classes.put(prefix, type);
                }
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return classes;
    }

    /** Every herald.* setting: the configuration records' components in kebab case, nested records as nested keys. */
    private static Set<String> heraldSettings() {
        Set<String> settings = new TreeSet<>();
        HERALD_SETTINGS_CLASSES.forEach((prefix, type) -> addSettings(prefix, type, settings));
        return settings;
    }

    private static void addSettings(String prefix, Class<?> type, Set<String> into) {
        Map<String, Class<?>> properties = new LinkedHashMap<>();
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                properties.put(component.getName(), component.getType());
            }
        } else {
            for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
                if (descriptor.getWriteMethod() != null || isNested(descriptor.getPropertyType())) {
                    properties.put(descriptor.getName(), descriptor.getPropertyType());
                }
            }
        }
        properties.forEach((name, propertyType) -> {
            String key = prefix + "." + DataObjectPropertyName.toDashedForm(name);
            if (isNested(propertyType)) {
                addSettings(key, propertyType, into);
            } else {
                into.add(key);
            }
        });
    }

    private static boolean isNested(Class<?> type) {
        return type.getName().startsWith("io.herald.") && !type.isEnum() && !type.isInterface();
    }

    /** Whether Spring, reading the environment, finds this setting in this variable (its relaxed binding rules). */
    private static boolean bindsFrom(String setting, String variable) {
        ConfigurationPropertySource source = ConfigurationPropertySources
                .from(new SystemEnvironmentPropertySource("systemEnvironment", Map.of(variable, "value")))
                .iterator().next();
        return source.getConfigurationProperty(ConfigurationPropertyName.of(setting)) != null;
    }

    private static Binder binder(Map<String, String> environment) {
        Map<String, Object> values = new LinkedHashMap<>();
        environment.forEach((k, v) -> values.put(k, v == null ? "" : v));
        return new Binder(ConfigurationPropertySources.from(new SystemEnvironmentPropertySource("systemEnvironment", values)));
    }

    private static Map<String, Object> applicationYaml() {
        try (InputStream in = DeployFilesTest.class.getResourceAsStream("/application.yml")) {
            assertThat(in).as("application.yml on the class path").isNotNull();
            return map(yaml().load(in));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A value in nested YAML maps by its dotted path. */
    private static Object at(Map<String, Object> yaml, String path) {
        Object value = yaml;
        for (String key : path.split("\\.")) {
            value = value instanceof Map<?, ?> m ? m.get(key) : null;
        }
        return value;
    }

    // ---------------------------------------------------------------------------------------------
    // General helpers
    // ---------------------------------------------------------------------------------------------

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options));
    }

    private static List<Object> yamlDocuments(Path file) throws IOException {
        List<Object> documents = new ArrayList<>();
        try {
            yaml().loadAll(Files.readString(file)).forEach(documents::add);
        } catch (RuntimeException e) {
            throw new AssertionError(ROOT.relativize(file) + " is not valid YAML: " + e.getMessage(), e);
        }
        return documents;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).as("a mapping").isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertThat(value).as("a list").isInstanceOf(List.class);
        return (List<Object>) value;
    }

    private static List<String> strings(Object value) {
        if (value instanceof String single) {
            return List.of(single.split("\\s*,\\s*"));
        }
        return list(value).stream().map(String::valueOf).toList();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root.getMessage() + ")";
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isDirectory(dir.resolve("deploy")) && Files.isRegularFile(dir.resolve("pom.xml")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no deploy/ above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
