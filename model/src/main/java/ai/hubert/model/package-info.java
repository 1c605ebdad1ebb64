/** HuBERT on DJL's PyTorch engine: the model with fairseq state-dict keys and its initialisation. */
package ai.hubert.model;
