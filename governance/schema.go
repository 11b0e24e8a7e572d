package governance

import _ "embed"

// Schema is the JSON Schema (draft 2020-12) of one model file, for editors
// with a YAML language server: it validates keys and values as the model is
// typed and completes them. References between files (an unknown role, a
// reports_to cycle) are beyond a schema; `antares lint` checks those.
//
//go:embed schema.json
var Schema []byte
