package main

import (
	_ "embed"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/antares-governance/antares"
)

// starterModel is the model antares init writes: a small, healthy program
// whose comments teach the format.
//
//go:embed starter/antares.yaml
var starterModel []byte

// starterName is the file antares init writes in its directory.
const starterName = "antares.yaml"

func initCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a commented starter model to begin from",
		Long: `Init writes antares.yaml into DIR (default: the current directory, created if
missing): a small, healthy governance model whose comments explain the format. Edit
it to describe your own program, and check it with antares lint.

Init never overwrites: if DIR already has an antares.yaml, it stops with an error.`,
		Example: `  antares init governance
  antares lint governance/antares.yaml`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			path := filepath.Join(dir, starterName)
			if err := writeNew(dir, path, starterModel); err != nil {
				return err
			}
			_, err := a.stdout.Write([]byte("Wrote " + path + ". Edit it to describe your program, then run:\n  antares lint " + path + "\n"))
			return err
		},
	}
}

// writeNew creates path in dir (creating dir if needed) with data, refusing
// to replace an existing file.
func writeNew(dir, path string, data []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return antares.Errorf(antares.EINVALID, "creating %s: %v", dir, unwrapPath(err))
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return antares.Errorf(antares.ECONFLICT, "%s already exists: init does not overwrite a model; edit it, or choose another directory", path)
	}
	if err != nil {
		return antares.Errorf(antares.EINVALID, "creating %s: %v", path, unwrapPath(err))
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return antares.Errorf(antares.EINTERNAL, "writing %s: %v", path, err)
	}
	if err := f.Close(); err != nil {
		return antares.Errorf(antares.EINTERNAL, "writing %s: %v", path, err)
	}
	return nil
}

// unwrapPath returns the reason of a *fs.PathError without repeating the
// path the message already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
