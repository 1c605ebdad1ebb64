package ai.hubert.deploy;

import static ai.hubert.deploy.RepoFiles.ROOT;
import static ai.hubert.deploy.RepoFiles.at;
import static ai.hubert.deploy.RepoFiles.cast;
import static ai.hubert.deploy.RepoFiles.list;
import static ai.hubert.deploy.RepoFiles.relative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.hubert.training.config.PretrainConfig;
import ai.hubert.training.config.PretrainConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Static validation of deploy/ and conf/: everything parses, and everything a manifest or script names exists
 * (classes, CLI commands and options, config files, image paths, Kubernetes objects it refers to). Data-driven:
 * files added later under deploy/ (e.g. a scheduled relabel manifest) are covered without touching this test.
 */
class DeployFilesTest {
  /** Fully qualified class names of this project, Spark, Hadoop and Iceberg named in a deploy or conf file. */
  private static final Pattern CLASS_NAME =
      Pattern.compile("\\b((?:ai\\.hubert|org\\.apache\\.spark|org\\.apache\\.hadoop|org\\.apache\\.iceberg|software\\.amazon\\.awssdk)"
          + "(?:\\.[a-z][a-z0-9_]*)+\\.[A-Z][A-Za-z0-9_$]*)\\b");
  /** Classes a cluster gets from jars the image adds (deploy/k8s/Dockerfile), not from the test class path. */
  private static final Map<String, String> IMAGE_JARS = Map.of(
      "org.apache.hadoop.fs.s3a.", "hadoop-aws-",
      "software.amazon.awssdk.", "bundle-");
  /** Access keys, secret values, passwords and private keys (placeholders such as "..." or "$VAR" are fine). */
  private static final Pattern CREDENTIAL = Pattern.compile(
      "(?i)(AKIA[0-9A-Z]{16}|aws_secret_access_key\\s*[=:]\\s*[A-Za-z0-9/+]{16,}|fs\\.s3a\\.(secret|access)\\.key\\s*[=:]?\\s*[A-Za-z0-9/+]{8,}"
          + "|password\\s*[=:]\\s*[^\\s.<$]{6,}|BEGIN [A-Z ]*PRIVATE KEY)");

  private static Stream<Path> deployAndConfFiles() {
    return Stream.concat(RepoFiles.under("deploy", "").stream(), RepoFiles.under("conf", "").stream());
  }

  @TestFactory
  Stream<DynamicTest> everyYamlFileParses() {
    List<Path> files = new ArrayList<>(RepoFiles.under("deploy", ".yaml", ".yml"));
    files.addAll(RepoFiles.under("conf", ".yaml", ".yml"));
    assertFalse(files.isEmpty());
    return files.stream().map(f -> dynamicTest(relative(f), () -> assertFalse(RepoFiles.yamlDocuments(f).isEmpty(), "empty YAML")));
  }

  @TestFactory
  Stream<DynamicTest> everyShellScriptParses() {
    List<Path> scripts = new ArrayList<>(RepoFiles.under("deploy", ".sh"));
    scripts.addAll(RepoFiles.under("notebooks", ".sh"));
    scripts.add(ROOT.resolve("bin/hubert"));
    return scripts.stream().map(s -> dynamicTest(relative(s), () -> {
      Process p = new ProcessBuilder("bash", "-n", s.toString()).redirectErrorStream(true).start();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), "bash -n " + relative(s) + ": " + new String(p.getInputStream().readAllBytes()));
      assertTrue(Files.isExecutable(s), relative(s) + " is not executable");
    }));
  }

  @TestFactory
  Stream<DynamicTest> everyClassNamedExists() {
    String dockerfile = RepoFiles.read(ROOT.resolve("deploy/k8s/Dockerfile"));
    List<DynamicTest> tests = new ArrayList<>();
    deployAndConfFiles().filter(f -> !f.getFileName().toString().equals("Dockerfile")).forEach(f -> {
      Set<String> names = new LinkedHashSet<>();
      Matcher m = CLASS_NAME.matcher(RepoFiles.read(f));
      while (m.find()) {
        names.add(m.group(1));
      }
      for (String name : names) {
        tests.add(dynamicTest(relative(f) + ": " + name, () -> {
          for (Map.Entry<String, String> e : IMAGE_JARS.entrySet()) {
            if (name.startsWith(e.getKey())) {
              assertTrue(dockerfile.contains(e.getValue()), name + " comes from " + e.getValue() + "*.jar, which the Dockerfile does not add");
              return;
            }
          }
          Class.forName(name, false, getClass().getClassLoader());
        }));
      }
    });
    assertFalse(tests.isEmpty());
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> noCredentialsInDeployOrConf() {
    return deployAndConfFiles().map(f -> dynamicTest(relative(f), () -> {
      Matcher m = CREDENTIAL.matcher(RepoFiles.read(f));
      assertFalse(m.find(), relative(f) + " holds what looks like a credential: " + (m.hitEnd() ? "" : m.group()));
    }));
  }

  @Test
  void noSecretManifestCarriesData() {
    RepoFiles.kubernetesObjects().forEach((where, o) -> {
      if ("Secret".equals(o.get("kind"))) {
        assertTrue(o.get("data") == null && o.get("stringData") == null, where + ": Secrets are created out of band, not committed");
      }
    });
  }

  @Test
  void dockerfileSetsUpDjlForTheCudaLibtorch() {
    String dockerfile = RepoFiles.read(ROOT.resolve("deploy/k8s/Dockerfile"));
    for (String env : List.of("PYTORCH_LIBRARY_PATH=/opt/libtorch/lib", "PYTORCH_VERSION=2.7.1", "PYTORCH_FLAVOR=cu128", "DJL_OFFLINE=true")) {
      assertTrue(dockerfile.contains(env), "Dockerfile sets " + env);
    }
    assertFalse(dockerfile.contains("NVIDIA_VISIBLE_DEVICES=all"), "the image must not expose every GPU of a node");
    assertTrue(dockerfile.contains("libtorch-cxx11-abi-shared-with-deps-2.7.1%2Bcu128.zip"), "libtorch 2.7.1 + CUDA 12.8");
    assertTrue(dockerfile.contains("java17"), "a Java 17 base image (Spark 4.1 does not run on Java 23+)");
    // every COPY source exists once the dist jar is built
    RepoFiles.imageLayout().forEach((dest, src) -> {
      if (!src.toString().contains("*")) {
        assertTrue(Files.exists(src), "COPY source " + relative(src) + " -> " + dest);
      }
    });
  }

  /** Every Spark application in deploy/ (SparkApplication, or the template of a ScheduledSparkApplication). */
  static List<Map.Entry<String, Map<String, Object>>> sparkApplications() {
    List<Map.Entry<String, Map<String, Object>>> apps = new ArrayList<>();
    RepoFiles.kubernetesObjects().forEach((where, o) -> {
      if ("SparkApplication".equals(o.get("kind"))) {
        apps.add(Map.entry(where, cast(o.get("spec"))));
      } else if ("ScheduledSparkApplication".equals(o.get("kind"))) {
        apps.add(Map.entry(where, cast(at(o, "spec.template"))));
      }
    });
    return apps;
  }

  @TestFactory
  Stream<DynamicTest> everySparkApplicationNamesWhatExists() {
    List<Map.Entry<String, Map<String, Object>>> apps = sparkApplications();
    assertTrue(apps.size() >= 3, "pretrain Base, pretrain Large and relabel applications: " + apps.size());
    Map<String, Map<String, Object>> objects = RepoFiles.kubernetesObjects();
    return apps.stream().map(app -> dynamicTest(app.getKey(), () -> checkApplication(app.getKey(), app.getValue(), objects)));
  }

  private void checkApplication(String where, Map<String, Object> spec, Map<String, Map<String, Object>> objects) throws Exception {
    Class.forName((String) spec.get("mainClass"), false, getClass().getClassLoader());
    String jar = (String) spec.get("mainApplicationFile");
    assertTrue(jar.startsWith("local:///"), where + ": the jar is in the image: " + jar);
    assertNotNull(RepoFiles.sourceOfImagePath(jar.substring("local://".length())), where + ": no Dockerfile COPY puts " + jar);
    List<String> args = list(spec.get("arguments")).stream().map(String::valueOf).toList();
    HubertCommandLine cli = HubertCommandLine.check(where, args);
    // files the arguments name inside the image exist in the repository (they are copied there)
    for (String a : args) {
      if (a.startsWith("/opt/hubert/")) {
        Path src = RepoFiles.sourceOfImagePath(a);
        assertNotNull(src, where + ": no Dockerfile COPY puts " + a + " into the image");
        assertTrue(Files.exists(src), where + ": " + a + " comes from " + relative(src) + ", which does not exist");
      }
    }
    Map<String, Object> conf = cast(spec.get("sparkConf"));
    // image paths in Spark settings (discovery script, logging config) are put there by the Dockerfile
    for (Object value : conf.values()) {
      java.util.regex.Matcher m = Pattern.compile("/opt/hubert/[\\w./-]+").matcher(String.valueOf(value));
      while (m.find()) {
        Path src = RepoFiles.sourceOfImagePath(m.group());
        assertTrue(src != null && Files.exists(src), where + ": " + m.group() + " is not in the image");
      }
    }
    String discovery = (String) conf.get("spark.executor.resource.gpu.discoveryScript");
    if (discovery != null) {
      Path src = RepoFiles.sourceOfImagePath(discovery);
      assertTrue(src != null && Files.isExecutable(src), where + ": discovery script " + discovery + " is not in the image");
    }
    Object gpu = at(spec, "executor.gpu.quantity");
    if (gpu != null) {
      assertEquals(String.valueOf(gpu), conf.get("spark.executor.resource.gpu.amount"), where + ": executor.gpu and Spark's gpu amount");
      assertEquals("nvidia.com/gpu", at(spec, "executor.gpu.name"));
      assertEquals("nvidia.com", conf.get("spark.executor.resource.gpu.vendor"), where + ": vendor for limits.nvidia.com/gpu");
    }
    if ("train".equals(cli.command())) {
      assertEquals("false", String.valueOf(conf.get("spark.dynamicAllocation.enabled")), where + ": barrier stages refuse dynamic allocation");
      Path config = RepoFiles.sourceOfImagePath(cli.option("config"));
      PretrainConfig c = PretrainConfigLoader.load(config);
      int executors = ((Number) at(spec, "executor.instances")).intValue();
      int gpus = ((Number) gpu).intValue();
      assertEquals(c.worldSize(), executors * gpus, where + ": ranks = executors x GPUs for " + relative(config));
      assertEquals(c.nprocsPerNode(), gpus, where + ": nprocs_per_node = GPUs per executor");
      assertEquals("1", conf.get("spark.task.resource.gpu.amount"), where + ": one GPU per rank");
      assertEquals(String.valueOf(c.cpusPerTask()), conf.get("spark.task.cpus"), where + ": spark.task.cpus = spark.cpus_per_task");
      int cores = ((Number) at(spec, "executor.cores")).intValue();
      assertTrue(cores / c.cpusPerTask() >= gpus, where + ": CPU slots per executor >= GPUs, so GPUs bound the barrier slots");
      assertTrue(c.useGpu(), where + ": a GPU application runs a config with spark.use_gpu: true");
      assertNotNull(cli.option("run-dir"), where + ": an object-store run needs --run-dir on a shared volume");
    } else if (cli.option("config") != null) {
      Path config = RepoFiles.sourceOfImagePath(cli.option("config"));
      assertTrue(config != null && Files.exists(config), where + ": config " + cli.option("config"));
    }
    // service account: defined and bound to a role
    String sa = (String) at(spec, "driver.serviceAccount");
    assertNotNull(sa, where + ": driver.serviceAccount (the driver creates executor pods: it needs the RBAC in rbac.yaml)");
    assertTrue(objects.values().stream().anyMatch(o -> "ServiceAccount".equals(o.get("kind")) && sa.equals(at(o, "metadata.name"))),
        where + ": ServiceAccount " + sa);
    assertTrue(objects.values().stream().anyMatch(o -> "RoleBinding".equals(o.get("kind"))
        && list(o.get("subjects")).stream().anyMatch(s -> sa.equals(cast(s).get("name")))), where + ": RoleBinding for " + sa);
    // gang scheduling: the queue and priority class exist
    if ("volcano".equals(spec.get("batchScheduler"))) {
      String queue = (String) at(spec, "batchSchedulerOptions.queue");
      String priority = (String) at(spec, "batchSchedulerOptions.priorityClassName");
      assertTrue(objects.values().stream().anyMatch(o -> "Queue".equals(o.get("kind")) && queue.equals(at(o, "metadata.name"))),
          where + ": Volcano Queue " + queue);
      assertTrue(objects.values().stream().anyMatch(o -> "PriorityClass".equals(o.get("kind")) && priority.equals(at(o, "metadata.name"))),
          where + ": PriorityClass " + priority);
    }
    // inline pod templates are the ones in deploy/k8s/pod-templates/ (one source of truth for spark-submit users)
    for (String role : List.of("driver", "executor")) {
      Object template = at(spec, role + ".template");
      if (template != null) {
        Map<String, Object> t = cast(template);
        boolean matches = RepoFiles.under("deploy/k8s/pod-templates", ".yaml").stream().map(RepoFiles::yamlDocuments)
            .map(d -> cast(d.get(0))).anyMatch(pod -> pod.get("spec").equals(t.get("spec")) && pod.get("metadata").equals(t.get("metadata")));
        assertTrue(matches, where + ": " + role + ".template differs from every file in deploy/k8s/pod-templates/");
        for (Object v : list(at(t, "spec.volumes"))) {
          String claim = (String) at(cast(v), "persistentVolumeClaim.claimName");
          if (claim != null) {
            assertTrue(objects.values().stream().anyMatch(o -> "PersistentVolumeClaim".equals(o.get("kind")) && claim.equals(at(o, "metadata.name"))),
                where + ": PersistentVolumeClaim " + claim);
          }
        }
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> configurationDocCoversEveryPipelineField() {
    String doc = RepoFiles.read(ROOT.resolve("docs/configuration.md"));
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : RepoFiles.under("conf", ".yaml")) {
      Map<String, Object> yaml = cast(RepoFiles.yamlDocuments(file).get(0));
      Set<String> fields = new LinkedHashSet<>();
      yaml.forEach((section, body) -> {
        if (body instanceof Map<?, ?> m) {
          m.keySet().forEach(k -> fields.add(section + "." + k));
        } else {
          fields.add(section);
        }
      });
      tests.add(dynamicTest(relative(file), () -> {
        for (String field : fields) {
          String section = field.contains(".") ? field.substring(0, field.indexOf('.')) : field;
          String name = field.substring(field.indexOf('.') + 1);
          int at = doc.indexOf("### `" + section + "`");
          assertTrue(at >= 0, "docs/configuration.md has no section for " + section + " (" + relative(file) + ")");
          int end = doc.indexOf("\n### ", at + 1);
          String part = doc.substring(at, end < 0 ? doc.length() : end);
          assertTrue(part.contains("| `" + name + "` |"), "docs/configuration.md does not document " + field + " of " + relative(file));
        }
      }));
    }
    return tests.stream();
  }
}
