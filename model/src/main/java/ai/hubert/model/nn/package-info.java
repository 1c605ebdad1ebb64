/** Functional building blocks written from DJL NDArray operations where DJL has no block (PyTorch engine). */
package ai.hubert.model.nn;
