package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/authority"
)

// exportFormats names the files each export writes: policies, then data.
var exportFormats = map[string]struct {
	export func(*authority.Index) ([]byte, []byte, error)
	files  [2]string
}{
	"cedar": {authority.ExportCedar, [2]string{"policies.cedar", "entities.json"}},
	"rego":  {authority.ExportRego, [2]string{"authority.rego", "data.json"}},
}

func exportCommand(a *app) *cobra.Command {
	var dir, delegations string
	cmd := &cobra.Command{
		Use:   "export cedar|rego [-o DIR]",
		Short: "Export the decision rights as Cedar policies or a Rego module, for other systems to enforce",
		Long: `Export writes the model's decision rights so that other systems (ticketing, CI/CD
gates, admin consoles) can enforce exactly what 'antares can' answers:

  cedar  policies.cedar (one permit per tier, a forbid for separation of duties, a permit
         per delegation) and entities.json (people, roles, domains), for any Cedar engine
  rego   authority.rego (package antares.authority, Rego v1) and data.json, for OPA

Delegations in force go into the export with --delegations FILE (see 'antares can').
docs/authority.md shows each in use.`,
		Example: `  antares export cedar --model examples/northwind -o policy/
  antares export rego -o opa/ && opa eval -d opa/ -i request.json data.antares.authority.allow`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"cedar", "rego"},
		RunE: func(cmd *cobra.Command, args []string) error {
			f, ok := exportFormats[args[0]]
			if !ok {
				return antares.Errorf(antares.EINVALID, "cannot export as %q: use cedar or rego", args[0])
			}
			x, err := a.authorityIndex(delegations)
			if err != nil {
				return err
			}
			policies, data, err := f.export(x)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return antares.Errorf(antares.EINVALID, "-o %s: %v", dir, err)
			}
			for i, content := range [][]byte{policies, data} {
				path := filepath.Join(dir, f.files[i])
				if err := os.WriteFile(path, content, 0o644); err != nil {
					return antares.Errorf(antares.EINVALID, "writing %s: %v", path, err)
				}
				fmt.Fprintf(a.stdout, "wrote %s\n", path)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&dir, "output", "o", ".", "the directory to write the files to (created if need be)")
	cmd.Flags().StringVar(&delegations, "delegations", "", "a JSON file of delegations in force to export too")
	return cmd
}
