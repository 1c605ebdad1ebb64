/** HuBERT pre-training: span masking, label alignment, cosine-similarity logits and the fairseq criterion. */
package ai.hubert.model.pretrain;
