/** HuBERT's encoder blocks, one class per fairseq module, with fairseq state-dict key names. */
package ai.hubert.model.encoder;
