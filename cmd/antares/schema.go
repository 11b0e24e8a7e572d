package main

import (
	"github.com/spf13/cobra"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
)

func schemaCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of model files, for editors",
		Long: `Schema prints the JSON Schema (draft 2020-12) of a governance model file. Save it
next to the model and point the YAML language server at it, and editors such as VS Code
(with the Red Hat YAML extension), Neovim or Helix validate and complete the model as
you type:

  antares schema > antares.schema.json
  # in each model file, first line:
  # yaml-language-server: $schema=./antares.schema.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := a.stdout.Write(governance.Schema); err != nil {
				return antares.Errorf(antares.EINTERNAL, "writing the schema: %v", err)
			}
			return nil
		},
	}
}
