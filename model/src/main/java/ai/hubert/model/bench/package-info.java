/** Throughput benchmark of the DJL HuBERT training step against torchaudio's reference implementation. */
package ai.hubert.model.bench;
