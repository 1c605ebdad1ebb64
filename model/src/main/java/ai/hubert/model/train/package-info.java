/** Training-loop pieces with fairseq semantics: Adam with decoupled weight decay, LR schedule, guarded update. */
package ai.hubert.model.train;
