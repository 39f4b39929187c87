package main

import (
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/config"
	"github.com/switchboard-cc/switchboard/node"
	"github.com/switchboard-cc/switchboard/routing"
)

// routingQueues turns the [[queue]] tables of the configuration into the routing engine's
// queues. It returns nil for none, which gives the node its default queues. The
// configuration is validated already, and the engine checks the rest, such as skill names.
func routingQueues(queues []config.Queue) []routing.QueueConfig {
	if len(queues) == 0 {
		return nil
	}
	out := make([]routing.QueueConfig, len(queues))
	for i, q := range queues {
		out[i] = routing.QueueConfig{
			Name:                  q.Name,
			Strategy:              routing.Strategy(q.Strategy),
			Skills:                routingSkills(q.Skills),
			RingTimeout:           time.Duration(q.RingTimeout),
			WrapUp:                time.Duration(q.WrapUp),
			MaxWait:               time.Duration(q.MaxWait),
			MaxLength:             q.MaxLength,
			Overflow:              routingOverflow(q.Overflow),
			OverflowWhenNoAgents:  q.OverflowWhenNoAgents,
			ServiceLevelThreshold: time.Duration(q.ServiceLevelThreshold),
			AgingStep:             time.Duration(q.AgingStep),
			Hours:                 routingHours(q.Hours),
		}
	}
	return out
}

func routingSkills(pairs []string) []routing.SkillLevel {
	var skills []routing.SkillLevel
	for _, pair := range pairs {
		if skill, level, ok := config.ParseSkill(pair); ok {
			skills = append(skills, routing.SkillLevel{Skill: skill, Level: level})
		}
	}
	return skills
}

func routingOverflow(overflow string) routing.Overflow {
	switch overflow {
	case config.OverflowVoicemail:
		return routing.Overflow{Kind: routing.OverflowVoicemail}
	case config.OverflowCallback:
		return routing.Overflow{Kind: routing.OverflowCallback}
	}
	if target, ok := strings.CutPrefix(overflow, config.OverflowQueuePrefix); ok {
		return routing.Overflow{Kind: routing.OverflowQueue, Queue: target}
	}
	return routing.Overflow{}
}

// routingHours returns nil, always open, for hours without a time zone.
func routingHours(h config.Hours) *routing.BusinessHours {
	if h.TimeZone == "" {
		return nil
	}
	hours := &routing.BusinessHours{TimeZone: h.TimeZone, Holidays: h.Holidays}
	for day, ranges := range h.Weekly() {
		for _, r := range ranges {
			start, end, _ := strings.Cut(r, "-")
			hours.Weekly[day] = append(hours.Weekly[day], routing.TimeRange{Start: start, End: end})
		}
	}
	return hours
}

// configuredQueueNames returns the names of the queues a node with cfg serves: the
// [[queue]] tables, or the node's defaults when there are none.
func configuredQueueNames(cfg config.Config) []string {
	if len(cfg.Queues) > 0 {
		return cfg.QueueNames()
	}
	var names []string
	for _, q := range node.DefaultQueues() {
		names = append(names, q.Name)
	}
	return names
}
