/**
 * Reader of PyTorch {@code torch.save} files (zip format of PyTorch 1.6 and later): the pickled object graph of
 * {@code <archive>/data.pkl} with tensors resolved against the raw storages in {@code <archive>/data/<key>}.
 */
package ai.hubert.model.checkpoint.torch;
