;; Festival helper for scripts/make-sample-corpus.sh.
;; (sample-corpus-synth VOICEFN TEXT WAVPATH SEGPATH)
;;   selects the voice, synthesizes TEXT, writes the waveform (RIFF, native
;;   rate of the voice) to WAVPATH and the phone segmentation to SEGPATH as
;;   "start<TAB>end<TAB>phone" lines (seconds; start = previous end, first = 0).
(define (sample-corpus-synth voicefn text wavpath segpath)
  (voicefn)
  ;; Utterance is a special form that does not evaluate its arguments.
  (let ((utt (utt.synth (eval (list 'Utterance 'Text text))))
        (fd (fopen segpath "w"))
        (prev 0.0))
    (mapcar
     (lambda (seg)
       (let ((e (item.feat seg 'end)))
         (format fd "%.5f\t%.5f\t%s\n" prev e (item.name seg))
         (set! prev e)))
     (utt.relation.items utt 'Segment))
    (fclose fd)
    (utt.save.wave utt wavpath 'riff)
    t))
