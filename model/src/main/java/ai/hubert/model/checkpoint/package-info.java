/** Checkpoint I/O: safetensors files, fairseq / torchaudio / Hugging Face key mapping, our own checkpoint format. */
package ai.hubert.model.checkpoint;
