package ai.hubert.deploy;

import static ai.hubert.deploy.RepoFiles.ROOT;
import static ai.hubert.deploy.RepoFiles.at;
import static ai.hubert.deploy.RepoFiles.cast;
import static ai.hubert.deploy.RepoFiles.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.spark.SecurityManager;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.k8s.KubernetesConf;
import org.apache.spark.deploy.k8s.KubernetesDriverConf;
import org.apache.spark.deploy.k8s.KubernetesDriverSpec;
import org.apache.spark.deploy.k8s.KubernetesExecutorConf;
import org.apache.spark.deploy.k8s.SparkPod;
import org.apache.spark.deploy.k8s.submit.JavaMainAppResource;
import org.apache.spark.deploy.k8s.submit.KubernetesDriverBuilder;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfile$;
import org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBuilder;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's own Kubernetes submission code (spark-kubernetes 4.1.0: {@link KubernetesDriverBuilder},
 * {@link KubernetesExecutorBuilder}) run against fabric8's mock API server (CRUD mode) with the settings of each
 * SparkApplication in deploy/k8s (translated as the Spark operator does: spec fields to spark.* keys, inline pod
 * templates to podTemplateFile) and of conf/spark/k8s.conf with the pod-template files. The driver pod is read back
 * from the API server; the executor pod is what the driver would create. Both must carry the pod templates, and
 * executors the GPU limit.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesSubmissionTest {
  static KubernetesClient client;
  @TempDir Path tmp;

  @TestFactory
  Stream<DynamicTest> everySparkApplicationBuildsGpuPodsFromItsTemplates() {
    return DeployFilesTest.sparkApplications().stream().map(app -> dynamicTest(app.getKey(), () -> {
      Map<String, Object> spec = app.getValue();
      String where = app.getKey();
      SparkConf conf = operatorConf(where, spec, client.getMasterUrl().toString(), tmp);
      List<String> args = list(spec.get("arguments")).stream().map(String::valueOf).toList();
      Pod driver = submitDriver(conf, (String) spec.get("mainApplicationFile"), (String) spec.get("mainClass"), args);
      Container dc = container(driver, "spark-kubernetes-driver");
      assertEquals(spec.get("image"), dc.getImage());
      assertEquals(at(spec, "driver.serviceAccount"), driver.getSpec().getServiceAccountName());
      assertTrue(dc.getArgs().containsAll(args), "driver args carry the hubert command line: " + dc.getArgs());
      if (at(spec, "driver.template") != null) {
        assertTemplateCarried(driver, cast(at(spec, "driver.template")));
      }

      Pod executor = executorPod(conf, driver, client);
      Container ec = container(executor, "spark-kubernetes-executor");
      Object gpus = at(spec, "executor.gpu.quantity");
      Quantity limit = ec.getResources().getLimits() == null ? null : ec.getResources().getLimits().get("nvidia.com/gpu");
      assertEquals(gpus == null ? null : new Quantity(String.valueOf(gpus)), limit, where + ": GPU limit");
      assertEquals(new Quantity(String.valueOf(at(spec, "executor.cores"))), ec.getResources().getRequests().get("cpu"));
      if (at(spec, "executor.template") != null) {
        assertTemplateCarried(executor, cast(at(spec, "executor.template")));
      }
    }));
  }

  @Test
  void sparkSubmitWithK8sConfAndPodTemplateFiles() throws Exception {
    SparkConf conf = new SparkConf(false).setAll(CollectionConverters.asScala(properties("conf/spark/k8s.conf")));
    conf.set("spark.master", "k8s://" + client.getMasterUrl());
    conf.set("spark.app.name", "hubert-k8s-conf");
    conf.set("spark.kubernetes.submission.waitAppCompletion", "false");
    conf.set("spark.kubernetes.driver.podTemplateFile", ROOT.resolve(conf.get("spark.kubernetes.driver.podTemplateFile")).toString());
    conf.set("spark.kubernetes.executor.podTemplateFile", ROOT.resolve(conf.get("spark.kubernetes.executor.podTemplateFile")).toString());
    conf.set("spark.executor.instances", "4");
    conf.set("spark.executor.cores", "48");
    conf.set("spark.executor.resource.gpu.amount", "8");
    conf.set("spark.task.resource.gpu.amount", "1");
    conf.set("spark.task.cpus", "6");
    List<String> args = List.of("--store", "s3a://hubert-data/store", "train", "--config", "/opt/hubert/conf/pretrain/hubert_base_librispeech.yaml",
        "--run-dir", "/mnt/hubert-runs/hubert_base_librispeech");
    HubertCommandLine.check("k8s.conf submission", args);
    Pod driver = submitDriver(conf, "local:///opt/hubert/hubert-spark-jobs-dist.jar", "ai.hubert.cli.HubertCli", args);
    assertTemplateCarried(driver, cast(RepoFiles.yamlDocuments(ROOT.resolve("deploy/k8s/pod-templates/driver.yaml")).get(0)));
    Pod executor = executorPod(conf, driver, client);
    assertEquals(new Quantity("8"), container(executor, "spark-kubernetes-executor").getResources().getLimits().get("nvidia.com/gpu"));
    assertTemplateCarried(executor, cast(RepoFiles.yamlDocuments(ROOT.resolve("deploy/k8s/pod-templates/executor-gpu.yaml")).get(0)));
  }

  /** The spark-submit settings the Spark operator derives from a SparkApplication spec. */
  static SparkConf operatorConf(String where, Map<String, Object> spec, String masterUrl, Path tmp) throws IOException {
    SparkConf conf = new SparkConf(false);
    cast(spec.get("sparkConf")).forEach((k, v) -> conf.set(k, String.valueOf(v)));
    conf.set("spark.master", "k8s://" + masterUrl);
    conf.set("spark.submit.deployMode", (String) spec.get("mode"));
    conf.set("spark.app.name", where.replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", ""));
    conf.set("spark.kubernetes.namespace", "hubert");
    conf.set("spark.kubernetes.container.image", (String) spec.get("image"));
    if (spec.get("imagePullPolicy") != null) {
      conf.set("spark.kubernetes.container.image.pullPolicy", (String) spec.get("imagePullPolicy"));
    }
    conf.set("spark.kubernetes.submission.waitAppCompletion", "false");
    conf.set("spark.kubernetes.authenticate.driver.serviceAccountName", (String) at(spec, "driver.serviceAccount"));
    conf.set("spark.driver.cores", String.valueOf(at(spec, "driver.cores")));
    conf.set("spark.driver.memory", (String) at(spec, "driver.memory"));
    if (at(spec, "driver.memoryOverhead") != null) {
      conf.set("spark.driver.memoryOverhead", (String) at(spec, "driver.memoryOverhead"));
    }
    conf.set("spark.executor.instances", String.valueOf(at(spec, "executor.instances")));
    conf.set("spark.executor.cores", String.valueOf(at(spec, "executor.cores")));
    conf.set("spark.executor.memory", (String) at(spec, "executor.memory"));
    if (at(spec, "executor.memoryOverhead") != null) {
      conf.set("spark.executor.memoryOverhead", (String) at(spec, "executor.memoryOverhead"));
    }
    for (String role : List.of("driver", "executor")) {
      Object template = at(spec, role + ".template");
      if (template == null) {
        continue;
      }
      Map<String, Object> pod = new LinkedHashMap<>();
      pod.put("apiVersion", "v1");
      pod.put("kind", "Pod");
      pod.putAll(cast(template));
      Path file = tmp.resolve(role + "-" + System.nanoTime() + ".yaml");
      Files.writeString(file, new org.yaml.snakeyaml.Yaml().dump(pod));
      conf.set("spark.kubernetes." + role + ".podTemplateFile", file.toString());
    }
    return conf;
  }

  /**
   * What Spark's submission client does with the driver: KubernetesDriverBuilder resolves the driver spec (pod
   * template, resources, GPU requests, the executor template's config map), and the pod and its resources are
   * created on the API server. (Spark's Client.run() uses server-side apply, which fabric8's mock server does not
   * answer for new objects; the objects are the same.)
   */
  private Pod submitDriver(SparkConf conf, String jar, String mainClass, List<String> args) {
    String appId = KubernetesConf.getKubernetesAppId();
    KubernetesDriverConf driverConf = KubernetesConf.createDriverConf(conf, appId, new JavaMainAppResource(Option.apply(jar)), mainClass,
        args.toArray(String[]::new), Option.empty());
    KubernetesDriverSpec spec = new KubernetesDriverBuilder().buildFromFeatures(driverConf, client);
    Pod pod = new PodBuilder(spec.pod().pod()).editSpec().addToContainers(spec.pod().container()).endSpec().build();
    String ns = driverConf.namespace();
    client.pods().inNamespace(ns).resource(pod).create();
    List<HasMetadata> resources = new java.util.ArrayList<>(CollectionConverters.asJava(spec.driverPreKubernetesResources()));
    resources.addAll(CollectionConverters.asJava(spec.driverKubernetesResources()));
    for (HasMetadata r : resources) {
      client.resource(r).inNamespace(ns).create();
    }
    List<Pod> pods = client.pods().inNamespace(ns).withLabel("spark-app-selector", appId).list().getItems();
    assertEquals(1, pods.size(), "driver pod created on the API server");
    assertTrue(client.configMaps().inNamespace(ns).list().getItems().stream()
        .anyMatch(cm -> cm.getData() != null && cm.getData().getOrDefault("podspec-configmap-key", "").contains("spark-kubernetes-executor")),
        "executor pod template shipped to the driver in a config map: " + resources);
    assertTrue(client.services().inNamespace(ns).list().getItems().stream()
        .anyMatch(svc -> svc.getMetadata().getName().startsWith(driverConf.resourceNamePrefix())), "driver service");
    return pods.get(0);
  }

  /** The executor pod the driver would create (Spark's executor builder with the default resource profile). */
  static Pod executorPod(SparkConf conf, Pod driver, KubernetesClient client) {
    SparkConf executorConf = conf.clone().set("spark.app.id", "spark-" + driver.getMetadata().getLabels().get("spark-app-selector"));
    KubernetesExecutorConf kconf = KubernetesConf.createExecutorConf(executorConf, "1", driver.getMetadata().getLabels().get("spark-app-selector"),
        Option.apply(driver), ResourceProfile.DEFAULT_RESOURCE_PROFILE_ID());
    SecurityManager security = new SecurityManager(executorConf, Option.empty(), SecurityManager.$lessinit$greater$default$3());
    security.initializeAuth();
    try {
      SparkPod built = new KubernetesExecutorBuilder()
          .buildFromFeatures(kconf, security, client, ResourceProfile$.MODULE$.reInitDefaultProfile(executorConf)).pod();
      return new PodBuilder(built.pod()).editSpec().addToContainers(built.container()).endSpec().build();
    } finally {
      // the default profile is JVM-wide: a GPU profile left behind would make later local Spark jobs wait forever
      ResourceProfile$.MODULE$.clearDefaultProfile();
    }
  }

  static Container container(Pod pod, String name) {
    return pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name + " in " + pod.getSpec().getContainers()));
  }

  /** The template's volumes, mounts, tolerations, node selector and env sources are in the built pod. */
  private static void assertTemplateCarried(Pod pod, Map<String, Object> template) {
    Map<String, Object> spec = cast(template.get("spec"));
    for (Object v : list(spec.get("volumes"))) {
      String name = (String) cast(v).get("name");
      assertTrue(pod.getSpec().getVolumes().stream().map(Volume::getName).anyMatch(name::equals), "volume " + name);
    }
    Map<String, Object> templateContainer = cast(list(spec.get("containers")).get(0));
    Container c = container(pod, (String) templateContainer.get("name"));
    for (Object m : list(templateContainer.get("volumeMounts"))) {
      String path = (String) cast(m).get("mountPath");
      assertTrue(c.getVolumeMounts().stream().anyMatch(vm -> vm.getMountPath().equals(path)), "mount " + path);
    }
    assertEquals(list(templateContainer.get("envFrom")).size(), c.getEnvFrom().size(), "envFrom (object-store secret)");
    assertEquals(list(spec.get("tolerations")).size(), pod.getSpec().getTolerations().size(), "tolerations");
    Object selector = spec.get("nodeSelector");
    if (selector != null) {
      cast(selector).forEach((k, v) -> assertEquals(v, pod.getSpec().getNodeSelector().get(k), "nodeSelector " + k));
    }
    assertEquals(185L, pod.getSpec().getSecurityContext().getRunAsUser(), "securityContext");
  }

  private static Map<String, String> properties(String file) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(RepoFiles.read(ROOT.resolve(file))));
    Map<String, String> m = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
    return m;
  }
}
