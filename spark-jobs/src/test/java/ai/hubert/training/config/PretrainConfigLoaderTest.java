package ai.hubert.training.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubert.model.config.ConvLayerSpec;
import ai.hubert.model.config.ExtractorMode;
import ai.hubert.model.config.HubertConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PretrainConfigLoaderTest {

    private static Path confDir() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("conf/pretrain"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("conf/pretrain not found above " + Path.of("").toAbsolutePath());
        }
        return p.resolve("conf/pretrain");
    }

    private static String tinyText() throws Exception {
        return Files.readString(confDir().resolve("tiny_cpu.yaml"));
    }

    private static ConfigException fails(String text, String... overrides) {
        return assertThrows(ConfigException.class, () -> PretrainConfigLoader.parse("t.yaml", text,
                List.of(overrides)));
    }

    /** Replaces the single line containing {@code marker} with {@code replacement}. */
    private static String edit(String text, String marker, String replacement) {
        StringBuilder sb = new StringBuilder();
        int hits = 0;
        for (String line : text.split("\n", -1)) {
            if (line.contains(marker)) {
                hits++;
                sb.append(replacement);
            } else {
                sb.append(line);
            }
            sb.append('\n');
        }
        assertEquals(1, hits, marker);
        return sb.toString();
    }

    @Test
    void baseMatchesSpec() {
        PretrainConfig c = PretrainConfigLoader.load(confDir().resolve("hubert_base_librispeech.yaml"));
        HubertConfig expectedModel = HubertConfig.base();
        assertEquals(expectedModel, c.model());
        assertEquals("base", c.modelPreset());
        assertEquals(1337, c.seed());
        assertTrue(c.fp16());
        assertEquals(32, c.worldSize());
        assertEquals(1_400_000, c.maxTokens());
        assertEquals(250_000, c.maxSampleSize());
        assertEquals(32_000, c.minSampleSize());
        assertEquals(50, c.labelRate());
        assertEquals(400_000, c.maxUpdate());
        assertEquals(5e-4, c.lr());
        assertEquals(1, c.updateFreq(1));
        assertEquals(10.0, c.clipNorm());
        assertEquals(0.9, c.adamBeta1());
        assertEquals(0.98, c.adamBeta2());
        assertEquals(1e-6, c.adamEps());
        assertEquals(0.01, c.weightDecay());
        assertEquals(32_000, c.warmupUpdates());
        assertEquals(8, c.requiredBatchSizeMultiple());
        assertEquals(25_000, c.saveIntervalUpdates());
        assertEquals(1, c.keepIntervalUpdates());
        assertFalse(c.normalize());
        assertFalse(c.padAudio());
        assertTrue(c.randomCrop());
        assertEquals(504, c.model().numClasses());
    }

    @Test
    void largeAndXlargeMatchSpec() {
        PretrainConfig l = PretrainConfigLoader.load(confDir().resolve("hubert_large_librivox.yaml"));
        assertEquals(HubertConfig.large(), l.model());
        assertEquals(128, l.worldSize());
        assertEquals(900_000, l.maxTokens());
        assertEquals(1.5e-3, l.lr());
        assertEquals(1.0, l.clipNorm());
        assertTrue(l.normalize());
        PretrainConfig x = PretrainConfigLoader.load(confDir().resolve("hubert_xlarge_librivox.yaml"));
        assertEquals(HubertConfig.xlarge(), x.model());
        assertEquals(256, x.worldSize());
        assertEquals(360_000, x.maxTokens());
        assertEquals(3e-3, x.lr());
        assertEquals(ExtractorMode.LAYER_NORM, x.model().extractorMode());
    }

    @Test
    void tinyCpuIsTheTinyModelAt100Hz() {
        PretrainConfig c = PretrainConfigLoader.load(confDir().resolve("tiny_cpu.yaml"));
        assertEquals(HubertConfig.tiny().toBuilder().labelRate(100).build(), c.model());
        assertEquals(200, c.maxUpdate());
        assertEquals(16, c.warmupUpdates());
        assertTrue(c.maxSampleSize() <= 64_000);
        assertFalse(c.useGpu());
        assertFalse(c.fp16());
        assertEquals("mfcc-k100", c.labelSet());
        assertEquals(2, c.worldSize());
    }

    @Test
    void everyCommittedYamlLoads() throws Exception {
        try (var files = Files.list(confDir())) {
            List<Path> yamls = files.filter(p -> p.toString().endsWith(".yaml")).toList();
            assertEquals(4, yamls.size(), yamls.toString());
            for (Path p : yamls) {
                PretrainConfig c = PretrainConfigLoader.load(p);
                assertEquals(c, c.toBuilder().build(), p.toString());
            }
        }
    }

    @Test
    void severalLabelSetsWeightsAndSkipFlags() throws Exception {
        PretrainConfig c = PretrainConfigLoader.parse("t.yaml", tinyText(), List.of(
                "hubert.label_set=[mfcc-k50, mfcc-k100, l6-k500]", "hubert.num_clusters=[50, 100, 500]",
                "hubert.label_rates=[100, 100, 50]", "criterion.pred_masked_weight=0.5",
                "criterion.pred_nomask_weight=0.5", "criterion.loss_weights=[5]"));
        assertEquals(List.of("mfcc-k50", "mfcc-k100", "l6-k500"), c.labelSets());
        assertEquals(List.of(54, 104, 504), c.model().labelSetClasses());
        assertEquals(List.of(100, 100, 50), c.model().labelSetRates());
        assertEquals(662, c.model().numClasses());
        assertEquals(0.5f, c.model().predMaskedWeight());
        assertEquals(0.5f, c.model().predNomaskWeight());
        assertEquals(5f, c.model().featurePenWeight());
        PretrainConfig ensemble = PretrainConfigLoader.parse("t.yaml", tinyText(), List.of("hubert.label_set=mfcc-pq3x100"));
        assertEquals(List.of("mfcc-pq3x100"), ensemble.labelSets());
        assertEquals(1, ensemble.model().numLabelSets());
        PretrainConfig unmasked = PretrainConfigLoader.parse("t.yaml", tinyText(), List.of("criterion.pred_masked_weight=0",
                "criterion.pred_nomask_weight=1", "model.skip_masked=true"));
        assertTrue(unmasked.model().skipMasked());

        ConfigException e = fails(tinyText(), "hubert.num_clusters=[50, 100]", "hubert.label_rates=[100]");
        assertTrue(e.getMessage().contains("hubert.label_rates") && e.getMessage().contains("one rate per entry"),
                e.getMessage());
        e = fails(tinyText(), "hubert.num_clusters=[50, 100]", "hubert.label_rates=[100, 25]");
        assertTrue(e.getMessage().contains("50 or 100"), e.getMessage());
        e = fails(tinyText(), "model.skip_masked=true");
        assertTrue(e.getMessage().contains("skip_masked"), e.getMessage());
    }

    @Test
    void overridesApplyLikeHydra() {
        PretrainConfig c = PretrainConfigLoader.load(confDir().resolve("hubert_base_librispeech.yaml"),
                List.of("model.label_rate=100", "optimization.max_update=250000", "hubert.num_clusters=100",
                        "optimization.update_freq=[2, 1]", "checkpoint.dir=/tmp/x"));
        assertEquals(100, c.labelRate());
        assertEquals(250_000, c.maxUpdate());
        assertEquals(104, c.model().numClasses());
        assertEquals(2, c.updateFreq(1));
        assertEquals(1, c.updateFreq(2));
        assertEquals(1, c.updateFreq(9));
        assertEquals("/tmp/x", c.checkpointDir());
    }

    @Test
    void unknownFieldSuggestsTheNearestName() throws Exception {
        ConfigException e = fails(edit(tinyText(), "mask_prob:", "  mask_prb: 0.8"));
        assertEquals("model.mask_prb", e.path());
        assertTrue(e.getMessage().startsWith("t.yaml:"), e.getMessage());
        assertTrue(e.line() > 0);
        assertTrue(e.getMessage().contains("did you mean 'mask_prob'?"), e.getMessage());
    }

    @Test
    void fieldInTheWrongSectionSuggestsItsSection() throws Exception {
        ConfigException e = fails(edit(tinyText(), "clip_norm:", "  max_tokens: 1000"));
        assertEquals("optimization.max_tokens", e.path());
        assertTrue(e.getMessage().contains("did you mean 'dataset.max_tokens'?"), e.getMessage());
    }

    @Test
    void unknownSectionIsAnError() throws Exception {
        ConfigException e = fails(tinyText() + "distributed:\n  world_size: 2\n");
        assertEquals("distributed", e.path());
        assertTrue(e.getMessage().contains("did you mean"), e.getMessage());
    }

    @Test
    void missingRequiredField() throws Exception {
        ConfigException e = fails(edit(tinyText(), "max_tokens:", ""));
        assertEquals("dataset.max_tokens", e.path());
        assertTrue(e.getMessage().contains("required"), e.getMessage());
        assertTrue(e.getMessage().startsWith("t.yaml: dataset.max_tokens: "), e.getMessage());
    }

    @Test
    void totalNumUpdateDefaultsToMaxUpdateAndMayOnlyExceedIt() throws Exception {
        String t = tinyText();
        assertEquals(200, PretrainConfigLoader.parse("t.yaml", t, List.of()).totalNumUpdate());
        PretrainConfig stopped = PretrainConfigLoader.parse("t.yaml", t,
                List.of("optimization.max_update=50", "lr_scheduler.total_num_update=200"));
        assertEquals(50, stopped.maxUpdate());
        assertEquals(200, stopped.totalNumUpdate(), "the schedule of the whole run, stopped at 50");
        assertEquals(200, stopped.toBuilder().build().totalNumUpdate());
        assertEquals(200, stopped.toBuilder().maxUpdate(80).build().totalNumUpdate(), "an explicit value is kept");
        assertEquals(80, PretrainConfigLoader.parse("t.yaml", t, List.of()).toBuilder().maxUpdate(80).build().totalNumUpdate(),
                "a defaulted value follows max_update");
        ConfigException e = fails(t, "lr_scheduler.total_num_update=100");
        assertEquals("lr_scheduler.total_num_update", e.path());
        assertTrue(e.getMessage().contains("optimization.max_update=200"), e.getMessage());
    }

    @Test
    void rangesAreChecked() throws Exception {
        String t = tinyText();
        assertEquals("optimization.lr", fails(edit(t, "lr: [", "  lr: [0.0]")).path());
        assertEquals("optimization.lr", fails(edit(t, "lr: [", "  lr: [-1e-3]")).path());
        assertEquals("model.mask_prob", fails(edit(t, "mask_prob:", "  mask_prob: 1.5")).path());
        ConfigException rate = fails(edit(t, "label_rate: 100", "  label_rate: 75"));
        assertEquals("model.label_rate", rate.path());
        assertTrue(rate.getMessage().contains("expected 50 or 100, found 75"), rate.getMessage());
        assertEquals("lr_scheduler.warmup_updates",
                fails(edit(t, "warmup_updates:", "  warmup_updates: 500")).path());
        ConfigException tokens = fails(edit(t, "max_tokens:", "  max_tokens: 1000"));
        assertEquals("dataset.max_tokens", tokens.path());
        assertTrue(tokens.line() > 0, tokens.getMessage());
        assertEquals("optimization.update_freq", fails(edit(t, "update_freq:", "  update_freq: [0]")).path());
        assertEquals("task.pad_audio", fails(edit(t, "pad_audio:", "  pad_audio: true")).path());
        assertEquals("task.min_sample_size",
                fails(edit(t, "min_sample_size:", "  min_sample_size: 100000")).path());
    }

    @Test
    void typesAreChecked() throws Exception {
        String t = tinyText();
        ConfigException e = fails(edit(t, "max_update:", "  max_update: lots"));
        assertEquals("optimization.max_update", e.path());
        assertTrue(e.getMessage().contains("expected an integer, found 'lots'"), e.getMessage());
        assertEquals("optimization.lr", fails(edit(t, "lr: [", "  lr: 0.0005")).path());
        assertEquals("task.random_crop", fails(edit(t, "random_crop:", "  random_crop: yes")).path());
        assertEquals("optimizer.adam_betas", fails(edit(t, "adam_betas:", "  adam_betas: (0.9)")).path());
        assertEquals("model.conv_feature_layers",
                fails(edit(t, "conv_feature_layers:", "  conv_feature_layers: '[(128,10)]'")).path());
        assertEquals("task._name", fails(edit(t, "_name: hubert_pretraining", "  _name: audio_pretraining")).path());
    }

    @Test
    void taskLabelRateMustMatchModel() throws Exception {
        ConfigException e = fails(edit(tinyText(), "label_rate: ${model", "  label_rate: 50"));
        assertEquals("task.label_rate", e.path());
        assertTrue(e.getMessage().contains("model.label_rate (100)"), e.getMessage());
    }

    @Test
    void inconsistentModelNamesTheModelSection() throws Exception {
        ConfigException e = fails(edit(tinyText(), "encoder_attention_heads:", "  encoder_attention_heads: 3"));
        assertEquals("model", e.path());
        assertTrue(e.getMessage().contains("divisible by heads"), e.getMessage());
    }

    @Test
    void yamlSyntaxErrorsNameTheLine() throws Exception {
        ConfigException tab = fails("common:\n\tseed: 1\n");
        assertEquals(2, tab.line());
        assertTrue(tab.getMessage().contains("tab"), tab.getMessage());
        ConfigException dup = fails("common:\n  seed: 1\n  seed: 2\n");
        assertEquals(3, dup.line());
        ConfigException flowMap = fails("common: {seed: 1}\n");
        assertEquals(1, flowMap.line());
        ConfigException anchor = fails("common:\n  seed: &a 1\n");
        assertEquals(2, anchor.line());
    }

    @Test
    void overrideErrorsNameTheOverride() throws Exception {
        ConfigException e = fails(tinyText(), "optimization.lr=[0]");
        assertTrue(e.getMessage().startsWith("override 'optimization.lr=[0]'"), e.getMessage());
        ConfigException unknown = fails(tinyText(), "optimisation.lr=[1]");
        assertTrue(unknown.getMessage().contains("did you mean 'optimization'?"), unknown.getMessage());
        assertThrows(ConfigException.class, () -> PretrainConfigLoader.parse("t.yaml", tinyText(),
                List.of("no-equals-sign")));
    }

    @Test
    void convFeatureLayersExpressionIsExpanded() throws Exception {
        PretrainConfig c = PretrainConfigLoader.parse("t.yaml", edit(tinyText(), "conv_feature_layers:",
                "  conv_feature_layers: '[(64,10,5), (64,3,2)] * 2 + [(128,2,2)]'"), List.of());
        assertEquals(List.of(new ConvLayerSpec(64, 10, 5), new ConvLayerSpec(64, 3, 2), new ConvLayerSpec(64, 10, 5),
                new ConvLayerSpec(64, 3, 2), new ConvLayerSpec(128, 2, 2)), c.model().convLayers());
    }

    @Test
    void builderValidatesWithoutAFile() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> PretrainConfig.builder(HubertConfig.tiny()).lr(List.of(0.0)).build());
        assertEquals("optimization.lr", e.path());
        assertEquals(null, e.source());
        PretrainConfig ok = PretrainConfig.builder(HubertConfig.tiny()).maxTokens(500_000).build();
        assertEquals(8, ok.requiredBatchSizeMultiple());
    }
}
