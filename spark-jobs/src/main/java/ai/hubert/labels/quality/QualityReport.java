package ai.hubert.labels.quality;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Teacher-quality metrics of a labelling against phone alignments, as printed by fairseq's
 * {@code measure_teacher_quality.py} (its names in brackets).
 *
 * @param pnmi phone-normalized mutual information I(phone; cluster) / H(phone) ("MI/H(ref)")
 * @param phonePurity E over clusters of the most frequent phone's share ("ref pur")
 * @param clusterPurity E over phones of the most frequent cluster's share ("hyp pur")
 * @param hRef entropy of the phone distribution, nats ("H(ref)")
 * @param hHyp entropy of the cluster distribution, nats ("H(hyp)")
 * @param mi mutual information, nats ("MI")
 * @param frames frames counted, at 100 Hz ("frm tot")
 * @param frameDiff sum over counted utterances of |reference frames - label frames| ("frm diff")
 * @param mismatchedUtterances counted utterances whose frame counts differed (truncated to the shorter)
 * @param utterances utterances in the alignments ("utt tot")
 * @param utterancesUsed aligned utterances that had labels (counted)
 * @param utterancesSkipped aligned utterances without labels ("utt miss")
 * @param labelUtterancesWithoutAlignment labelled utterances without an alignment (not counted)
 * @param phones distinct phones among the counted frames (rows of "p_xy shape")
 * @param clusters distinct clusters among the counted frames (columns of "p_xy shape")
 * @param refSegLen mean phone-run length in frames over all aligned utterances ("ref segL")
 * @param hypSegLen mean cluster-run length in 100 Hz frames over all labelled utterances ("hyp segL")
 * @param labelRateHz the labels' frame rate
 * @param upsample repetition factor applied to the labels to reach 100 Hz
 * @param padLen edge frames added on each side of the labels before upsampling (fairseq's {@code pad_len})
 */
public record QualityReport(
    double pnmi,
    double phonePurity,
    double clusterPurity,
    double hRef,
    double hHyp,
    double mi,
    long frames,
    long frameDiff,
    int mismatchedUtterances,
    int utterances,
    int utterancesUsed,
    int utterancesSkipped,
    int labelUtterancesWithoutAlignment,
    int phones,
    int clusters,
    double refSegLen,
    double hypSegLen,
    double labelRateHz,
    int upsample,
    int padLen) {

  /**
   * One JSON object, keys in this order: {@code pnmi, phone_purity, cluster_purity, h_ref, h_hyp, mi,
   * frames, frame_diff, mismatched_utterances, utterances, utterances_used, utterances_skipped,
   * label_utterances_without_alignment, phones, clusters, ref_seg_len, hyp_seg_len, label_rate_hz, upsample,
   * pad_len}. Doubles are written with full precision; a non-finite value is written as {@code null}.
   */
  public String toJson() {
    StringBuilder json = new StringBuilder("{");
    values().forEach((key, value) -> {
      if (json.length() > 1) {
        json.append(", ");
      }
      json.append('"').append(key.replace('-', '_')).append("\": ");
      json.append(value instanceof Double d && !Double.isFinite(d) ? "null" : String.valueOf(value));
    });
    return json.append('}').toString();
  }

  /** Reads {@link #toJson()}'s output back (a {@code null} value reads as NaN). */
  public static QualityReport fromJson(String json) {
    com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(json).getAsJsonObject();
    java.util.function.ToDoubleFunction<String> d = k -> o.get(k).isJsonNull() ? Double.NaN : o.get(k).getAsDouble();
    java.util.function.ToLongFunction<String> l = k -> o.get(k).getAsLong();
    java.util.function.ToIntFunction<String> i = k -> o.get(k).getAsInt();
    return new QualityReport(d.applyAsDouble("pnmi"), d.applyAsDouble("phone_purity"), d.applyAsDouble("cluster_purity"),
        d.applyAsDouble("h_ref"), d.applyAsDouble("h_hyp"), d.applyAsDouble("mi"), l.applyAsLong("frames"), l.applyAsLong("frame_diff"),
        i.applyAsInt("mismatched_utterances"), i.applyAsInt("utterances"), i.applyAsInt("utterances_used"), i.applyAsInt("utterances_skipped"),
        i.applyAsInt("label_utterances_without_alignment"), i.applyAsInt("phones"), i.applyAsInt("clusters"), d.applyAsDouble("ref_seg_len"),
        d.applyAsDouble("hyp_seg_len"), d.applyAsDouble("label_rate_hz"), i.applyAsInt("upsample"), i.applyAsInt("pad_len"));
  }

  /** The same entries with kebab-case keys ({@code phone-purity}, ...), in the same order, for lineage. */
  public Map<String, Object> toMap() {
    return Collections.unmodifiableMap(values());
  }

  private Map<String, Object> values() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pnmi", pnmi);
    m.put("phone-purity", phonePurity);
    m.put("cluster-purity", clusterPurity);
    m.put("h-ref", hRef);
    m.put("h-hyp", hHyp);
    m.put("mi", mi);
    m.put("frames", frames);
    m.put("frame-diff", frameDiff);
    m.put("mismatched-utterances", mismatchedUtterances);
    m.put("utterances", utterances);
    m.put("utterances-used", utterancesUsed);
    m.put("utterances-skipped", utterancesSkipped);
    m.put("label-utterances-without-alignment", labelUtterancesWithoutAlignment);
    m.put("phones", phones);
    m.put("clusters", clusters);
    m.put("ref-seg-len", refSegLen);
    m.put("hyp-seg-len", hypSegLen);
    m.put("label-rate-hz", labelRateHz);
    m.put("upsample", upsample);
    m.put("pad-len", padLen);
    return m;
  }
}
