package routing

func (e *Engine) emitStats() {
	for _, q := range e.order {
		wait, known := q.estimateWait(q.waiting + 1)
		e.emit(QueueStats{
			Queue:          q.cfg.Name,
			At:             e.now,
			Waiting:        q.waiting,
			LongestWait:    q.longestWait(e.now),
			AgentsByState:  q.counts,
			EstimatedWait:  wait,
			WaitKnown:      known,
			Answered:       q.stats.answered,
			AnsweredInSL:   q.stats.answeredInSL,
			Abandoned:      q.stats.abandoned,
			Overflowed:     q.stats.overflowed,
			NoAgent:        q.stats.noAgent,
			Closed:         q.stats.closed,
			Failed:         q.stats.failed,
			ServiceLevel:   q.serviceLevel(),
			AbandonedRatio: q.abandonedRatio(),
		})
	}
}
