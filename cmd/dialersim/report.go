package main

import (
	"fmt"
	"io"

	"github.com/switchboard-cc/switchboard/dialer/sim"
)

// texts holds the report's wording in one language.
type texts struct {
	scenario string
	header   string
	policies map[string]string
	checks   string
	meets    string
	misses   string
	beats    string
	trails   string
	failed   string
	elapsed  string
}

var messages = map[string]texts{
	"en": {
		scenario: "Handle time %v; warm-up %v, then %v measured; %d seeds per cell. Intervals are 95 %% confidence intervals of the mean over seeds.",
		header:   "| agents | p | target | policy | utilisation, % | abandonment, % | worst 1-h window, % | contacts per agent-hour | answer to agent p99 |",
		policies: map[string]string{
			sim.PolicyProgressive:     "progressive",
			sim.PolicyFixedRatio:      "fixed ratio",
			sim.PolicyAdaptiveDefault: "adaptive ratio, default",
			sim.PolicyAdaptiveTuned:   "adaptive ratio, tuned (diff %+.2f)",
			sim.PolicyPredictive:      "predictive",
		},
		checks:  "Predictive policy against the target and the tuned adaptive ratio:",
		meets:   "abandonment upper bound %.2f %% within the %.1f %% target",
		misses:  "abandonment upper bound %.2f %% OVER the %.1f %% target",
		beats:   "utilisation %.1f %% beats tuned adaptive %.1f %% by %.1f points",
		trails:  "utilisation %.1f %% does NOT beat tuned adaptive %.1f %%",
		failed:  "grid failed",
		elapsed: "Grid took %v.",
	},
	"ru": {
		scenario: "Время обслуживания: %v; разогрев %v, затем измерение %v; %d зёрен на ячейку. Интервалы — 95-процентные доверительные интервалы среднего по зёрнам.",
		header:   "| операторы | p | цель | политика | загрузка, % | потерянные, % | худшее окно 1 ч, % | контакты на оператора в час | ответ → оператор p99 |",
		policies: map[string]string{
			sim.PolicyProgressive:     "прогрессивная",
			sim.PolicyFixedRatio:      "фиксированное соотношение",
			sim.PolicyAdaptiveDefault: "адаптивное соотношение, по умолчанию",
			sim.PolicyAdaptiveTuned:   "адаптивное соотношение, настроенное (diff %+.2f)",
			sim.PolicyPredictive:      "предиктивная",
		},
		checks:  "Предиктивная политика против цели и настроенного адаптивного соотношения:",
		meets:   "верхняя граница доли потерянных %.2f %% в пределах цели %.1f %%",
		misses:  "верхняя граница доли потерянных %.2f %% ВЫШЕ цели %.1f %%",
		beats:   "загрузка %.1f %% выше настроенного адаптивного %.1f %% на %.1f п.",
		trails:  "загрузка %.1f %% НЕ выше настроенного адаптивного %.1f %%",
		failed:  "сетка не выполнена",
		elapsed: "Сетка заняла %v.",
	},
}

func percentInterval(i sim.Interval) string {
	return fmt.Sprintf("%.1f [%.1f, %.1f]", 100*i.Mean, 100*i.Low, 100*i.High)
}

func abandonInterval(i sim.Interval) string {
	return fmt.Sprintf("%.2f [%.2f, %.2f]", 100*i.Mean, 100*i.Low, 100*i.High)
}

func writeTable(w io.Writer, t texts, cells []sim.Cell) {
	fmt.Fprintln(w, t.header)
	fmt.Fprintln(w, "| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
	for _, c := range cells {
		for _, r := range c.Rows {
			name := t.policies[r.Policy]
			if r.Policy == sim.PolicyAdaptiveTuned {
				name = fmt.Sprintf(name, r.DiffTarget)
			}
			fmt.Fprintf(w, "| %d | %.2f | %.1f %% | %s | %s | %s | %.2f | %.1f | %.2f s |\n",
				c.Agents, c.LiveProbability, 100*c.Target, name,
				percentInterval(r.Utilisation), abandonInterval(r.Abandonment),
				100*r.WorstWindow, r.ContactsPerAgentHour, r.AnswerToAgentP99.Seconds())
		}
	}
}

func writeChecks(w io.Writer, t texts, cells []sim.Cell) {
	fmt.Fprintln(w, t.checks)
	fmt.Fprintln(w)
	for _, c := range cells {
		pred, okP := c.Row(sim.PolicyPredictive)
		tuned, okT := c.Row(sim.PolicyAdaptiveTuned)
		if !okP || !okT {
			continue
		}
		bound := fmt.Sprintf(t.meets, 100*pred.Abandonment.High, 100*c.Target)
		if pred.Abandonment.High > c.Target {
			bound = fmt.Sprintf(t.misses, 100*pred.Abandonment.High, 100*c.Target)
		}
		lead := fmt.Sprintf(t.beats, 100*pred.Utilisation.Mean, 100*tuned.Utilisation.Mean,
			100*(pred.Utilisation.Mean-tuned.Utilisation.Mean))
		if pred.Utilisation.Mean <= tuned.Utilisation.Mean {
			lead = fmt.Sprintf(t.trails, 100*pred.Utilisation.Mean, 100*tuned.Utilisation.Mean)
		}
		fmt.Fprintf(w, "- %d / %.2f / %.1f %%: %s; %s\n", c.Agents, c.LiveProbability, 100*c.Target, bound, lead)
	}
}
