package ai.hubert.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * Extra (needs Docker and -Pcontainers for hadoop-aws; skipped otherwise): the feature store on an s3a:// bucket of a
 * MinIO server. Ingest and MFCC write Iceberg tables there, and SQL reads them back. Credentials reach S3A as the
 * container's generated keys through Spark settings of this test only.
 */
@Tag("containers")
@Testcontainers(disabledWithoutDocker = true)
class MinioStoreTest {
  @Container
  static final MinIOContainer MINIO = new MinIOContainer("minio/minio:RELEASE.2025-04-22T22-12-26Z");

  @Test
  void ingestAndMfccRoundTripThroughS3a() throws Exception {
    assumeTrue(hasS3a(), "hadoop-aws is not on the class path: run with -Pcontainers");
    var mc = MINIO.execInContainer("sh", "-c", "mc alias set local http://127.0.0.1:9000 " + MINIO.getUserName() + " "
        + MINIO.getPassword() + " && mc mb local/hubert");
    assertEquals(0, mc.getExitCode(), mc.getStderr());
    String[] s3 = {
        "--conf", "spark.hadoop.fs.s3a.endpoint=" + MINIO.getS3URL(),
        "--conf", "spark.hadoop.fs.s3a.path.style.access=true",
        "--conf", "spark.hadoop.fs.s3a.connection.ssl.enabled=false",
        "--conf", "spark.hadoop.fs.s3a.access.key=" + MINIO.getUserName(),
        "--conf", "spark.hadoop.fs.s3a.secret.key=" + MINIO.getPassword()};
    String ingest = hubert(s3, "ingest");
    assertTrue(ingest.contains("found = ingested + rejected: 90 = 90 + 0"), ingest);
    hubert(s3, "mfcc");
    String sql = hubert(s3, "store", "sql", "SELECT count(*) AS n FROM hubert.sample.features_mfcc");
    assertTrue(sql.contains("90"), sql);
  }

  private static boolean hasS3a() {
    try {
      Class.forName("org.apache.hadoop.fs.s3a.S3AFileSystem");
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Runs hubert in-process on the s3a:// store with the S3A settings as global options; fails unless it exits 0. */
  private static String hubert(String[] s3, String... args) {
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("--store", "s3a://hubert/store", "--master", "local[2]",
        "--conf", "spark.ui.enabled=false"));
    all.addAll(java.util.List.of(s3));
    all.addAll(java.util.List.of(args));
    var out = new java.io.ByteArrayOutputStream();
    var err = new java.io.ByteArrayOutputStream();
    int status = new ai.hubert.cli.HubertCli(new java.io.PrintStream(out, true), new java.io.PrintStream(err, true))
        .run(all.toArray(String[]::new));
    assertEquals(0, status, "hubert " + String.join(" ", args) + ": " + err);
    return out.toString();
  }
}
