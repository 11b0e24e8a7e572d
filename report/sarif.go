package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/antares-governance/antares/assess"
	"github.com/antares-governance/antares/governance"
)

// JSON writes the report in the findings spec's JSON shape, indented.
func JSON(w io.Writer, r *assess.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// SARIF 2.1.0 documents, only the parts Antares writes.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations"`
		Results     []sarifResult     `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Version        string      `json:"version,omitempty"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string         `json:"id"`
		Name                 string         `json:"name"`
		ShortDescription     sarifText      `json:"shortDescription"`
		FullDescription      sarifText      `json:"fullDescription"`
		Help                 sarifHelp      `json:"help"`
		DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
		Properties           map[string]any `json:"properties"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifHelp struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown"`
	}
	sarifConfig struct {
		Level string `json:"level"`
	}
	sarifInvocation struct {
		ExecutionSuccessful        bool                `json:"executionSuccessful"`
		ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
	}
	sarifNotification struct {
		Level     string          `json:"level"`
		Message   sarifText       `json:"message"`
		Locations []sarifLocation `json:"locations,omitempty"`
	}
	sarifResult struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           int               `json:"ruleIndex"`
		Level               string            `json:"level"`
		Message             sarifText         `json:"message"`
		Locations           []sarifLocation   `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Properties          map[string]any    `json:"properties"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
)

// SARIFOptions describe the tool run a SARIF log records.
type SARIFOptions struct {
	Version string // the antares version
	// Fallback is where a finding that no single model line is to blame for
	// is shown (code-scanning tools need a location for every result): the
	// file that declares the organization.
	Fallback governance.Pos
}

// SARIF writes the report as a SARIF 2.1.0 log: one rule per catalogue code
// with its description and help, one result per finding at its model file
// and line, and model errors as tool execution notifications.
func SARIF(w io.Writer, r *assess.Report, opt SARIFOptions) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "antares",
			InformationURI: "https://github.com/antares-governance/antares/blob/main/docs/findings.md",
			Version:        opt.Version,
		}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: len(r.Errors) == 0, ToolExecutionNotifications: []sarifNotification{}}},
		Results:     []sarifResult{},
	}
	index := map[string]int{}
	for i, rule := range assess.Catalogue {
		index[rule.Code] = i
		pat := assess.PatternByNumber(rule.Pattern)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID:               rule.Code,
			Name:             ruleName(rule.Code),
			ShortDescription: sarifText{rule.Title},
			FullDescription:  sarifText{rule.Description},
			Help: sarifHelp{
				Text:     rule.Help,
				Markdown: fmt.Sprintf("**%s** (pattern %d, %s)\n\n%s\n\n**Fix:** %s\n\nSee [%s](https://github.com/antares-governance/antares/blob/main/docs/findings.md#%s).", rule.Title, pat.Number, pat.Name, rule.Description, rule.Help, rule.Code, strings.ReplaceAll(rule.Code, ".", "")),
			},
			DefaultConfiguration: sarifConfig{Level: sarifLevel(rule.Severity)},
			Properties: map[string]any{
				"tags":    append([]string{"security", "governance", pat.Name}, rule.Refs...),
				"pattern": rule.Pattern,
			},
		})
	}
	for _, e := range r.Errors {
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications, sarifNotification{
			Level:     "error",
			Message:   sarifText{e.Message},
			Locations: []sarifLocation{location(e.Pos)},
		})
	}
	for _, f := range r.Findings {
		pos := opt.Fallback
		if f.Location != nil {
			pos = *f.Location
		}
		run.Results = append(run.Results, sarifResult{
			RuleID:              f.Code,
			RuleIndex:           index[f.Code],
			Level:               sarifLevel(f.Severity),
			Message:             sarifText{f.Message},
			Locations:           []sarifLocation{location(pos)},
			PartialFingerprints: map[string]string{"antaresFinding/v1": fingerprint(f)},
			Properties: map[string]any{
				"exposure": f.Exposure,
				"pattern":  f.Pattern,
				"subject":  f.Subject,
				"refs":     f.Refs,
			},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	})
}

// ruleName turns "authority.split" into "AuthoritySplit", SARIF's style for
// rule names.
func ruleName(code string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(code, func(r rune) bool { return r == '.' || r == '-' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func sarifLevel(severity string) string {
	switch severity {
	case assess.SeverityError:
		return "error"
	case assess.SeverityWarning:
		return "warning"
	}
	return "note"
}

func location(p governance.Pos) sarifLocation {
	l := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: filepath.ToSlash(p.File)}}}
	if p.Line > 0 {
		l.PhysicalLocation.Region = &sarifRegion{StartLine: p.Line, StartColumn: p.Column}
	}
	return l
}

// fingerprint identifies a finding across runs by what it is about, not by
// the line it is on, so moving a block of YAML does not make it "new".
func fingerprint(f assess.Finding) string {
	s := fmt.Sprintf("%s|%s|%s|%s|%d|%s", f.Code, f.Subject.Kind, f.Subject.ID, f.Subject.Domain, f.Subject.Tier, f.Subject.Category)
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}
