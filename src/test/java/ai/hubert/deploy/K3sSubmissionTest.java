package ai.hubert.deploy;

import static ai.hubert.deploy.RepoFiles.ROOT;
import static ai.hubert.deploy.RepoFiles.at;
import static ai.hubert.deploy.RepoFiles.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.k8s.KubernetesConf;
import org.apache.spark.deploy.k8s.KubernetesDriverConf;
import org.apache.spark.deploy.k8s.submit.Client;
import org.apache.spark.deploy.k8s.submit.JavaMainAppResource;
import org.apache.spark.deploy.k8s.submit.KubernetesDriverBuilder;
import org.apache.spark.deploy.k8s.submit.LoggingPodStatusWatcherImpl;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import scala.Option;

/**
 * Extra (needs Docker; skipped without it): a real Kubernetes API server (k3s). Applies deploy/k8s's namespace,
 * service account, PVC and RBAC, then submits the Base pretraining application with Spark's own submission client
 * ({@link Client#run()}, server-side apply included), and has the API server validate the executor pod (server-side
 * dry run). Pods stay pending: k3s has no GPUs and the image is not built here. KubernetesSubmissionTest is the
 * check that runs everywhere.
 */
@Tag("containers")
@Testcontainers(disabledWithoutDocker = true)
class K3sSubmissionTest {
  @Container
  static final K3sContainer K3S = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"));
  @TempDir Path tmp;

  @Test
  void baseApplicationIsAcceptedByARealApiServer() throws Exception {
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml())).build()) {
      for (String file : List.of("deploy/k8s/namespace.yaml", "deploy/k8s/rbac.yaml")) {
        try (InputStream in = new FileInputStream(ROOT.resolve(file).toFile())) {
          for (HasMetadata o : client.load(in).items()) {
            client.resource(o).create();
          }
        }
      }
      Map.Entry<String, Map<String, Object>> app = DeployFilesTest.sparkApplications().stream()
          .filter(a -> a.getKey().startsWith("deploy/k8s/pretrain-base.yaml")).findFirst().orElseThrow();
      SparkConf conf = KubernetesSubmissionTest.operatorConf(app.getKey(), app.getValue(), client.getMasterUrl().toString(), tmp);
      conf.set("spark.kubernetes.authenticate.submission.caCertFile", "");
      List<String> args = list(app.getValue().get("arguments")).stream().map(String::valueOf).toList();
      String appId = KubernetesConf.getKubernetesAppId();
      KubernetesDriverConf driverConf = KubernetesConf.createDriverConf(conf, appId,
          new JavaMainAppResource(Option.apply((String) app.getValue().get("mainApplicationFile"))), "ai.hubert.cli.HubertCli",
          args.toArray(String[]::new), Option.empty());
      new Client(driverConf, new KubernetesDriverBuilder(), client, new LoggingPodStatusWatcherImpl(driverConf)).run();

      List<Pod> pods = client.pods().inNamespace("hubert").withLabel("spark-app-selector", appId).list().getItems();
      assertEquals(1, pods.size(), "driver pod accepted by the API server");
      Pod driver = pods.get(0);
      assertEquals("hubert-spark", driver.getSpec().getServiceAccountName());
      Pod executor = KubernetesSubmissionTest.executorPod(conf, driver, client);
      Pod validated = client.pods().inNamespace("hubert").resource(executor).dryRun().create();
      assertEquals(new Quantity(String.valueOf(at(app.getValue(), "executor.gpu.quantity"))),
          KubernetesSubmissionTest.container(validated, "spark-kubernetes-executor").getResources().getLimits().get("nvidia.com/gpu"));
      assertTrue(validated.getSpec().getVolumes().stream().anyMatch(v -> v.getName().equals("dshm")));
    }
  }
}
