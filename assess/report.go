package assess

import "github.com/antares-governance/antares/governance"

// Report is what `antares lint` and `antares assess` print: the model they
// looked at, the findings ranked by exposure, and the model's errors (when
// there are errors the findings may be incomplete).
type Report struct {
	Model    ModelInfo          `json:"model"`
	Findings []Finding          `json:"findings"`
	Errors   []governance.Error `json:"errors"`
	// Exposure says how the findings' exposure was computed.
	Exposure ExposureInfo `json:"exposure"`
}

// ModelInfo names the model a report is about.
type ModelInfo struct {
	Path         string `json:"path"`
	Digest       string `json:"digest,omitempty"`
	Organization string `json:"organization,omitempty"`
	Currency     string `json:"currency,omitempty"`
}

// ExposureInfo says how exposure figures were obtained.
type ExposureInfo struct {
	// Method is "monte-carlo" (mean simulated annual loss).
	Method string `json:"method"`
	Years  int    `json:"years,omitempty"`
	Seed   uint64 `json:"seed"`
	// Total is the exposure of every live risk of the register.
	Total float64 `json:"total"`
	// Risks is the number of live risks.
	Risks int `json:"risks"`
}
