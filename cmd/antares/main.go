// Command antares is the command line of Antares: it lints governance models,
// answers who decides, keeps the decision ledger and assesses where the
// security program's decision system has broken down.
//
// main only wires flags and configuration to the packages that do the work.
package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// app is what every subcommand shares: the streams, the global flags and the
// logger. Tests build one with buffers instead of the process's streams.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	log            *slog.Logger

	modelPath string // --model, or ANTARES_MODEL
	dbURL     string // --db, or ANTARES_DB
	verbose   bool
}

// groups are the headings of `antares --help`, in the order a newcomer
// meets them.
var groups = []*cobra.Group{
	{ID: "model", Title: "The governance model:"},
	{ID: "authority", Title: "Who decides:"},
	{ID: "ledger", Title: "The decision ledger:"},
	{ID: "risk", Title: "Risk:"},
}

// commands lists the constructors of the subcommands with their help group.
// Each subcommand lives in a file of its own.
var commands = []struct {
	group string
	new   func(*app) *cobra.Command
}{
	{"model", lintCommand},
	{"model", initCommand},
	{"model", schemaCommand},
	{"authority", whoCommand},
	{"authority", canCommand},
	{"authority", exportCommand},
	{"ledger", decideCommand},
	{"ledger", ledgerCommand},
	{"ledger", requestCommand},
	{"ledger", escalateCommand},
	{"ledger", delegateCommand},
	{"ledger", reviewCommand},
	{"ledger", importCommand},
	{"risk", riskCommand},
}

// exitError carries an exit status without a message of its own: the command
// already printed what the user needs (lint's findings, a refusal).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// run executes the command line and returns the process exit status. Every
// error is printed once, here, as "antares: message", and mapped to its exit
// status by antares.ExitCode.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "antares",
		Short: "Security governance as code: who decides, who is accountable, and where it breaks down",
		Long: `Antares makes a security program's decision system explicit, enforced and measured:
decision authority as code, instant answers to "who decides", a tamper-evident decision
ledger, and a diagnosis of where accountability has broken down, ranked by risk exposure.`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			level := slog.LevelWarn
			if a.verbose {
				level = slog.LevelDebug
			}
			a.log = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: level}))
		},
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVar(&a.modelPath, "model", os.Getenv("ANTARES_MODEL"), "governance model: a YAML file or a directory of them (env ANTARES_MODEL)")
	root.PersistentFlags().StringVar(&a.dbURL, "db", os.Getenv("ANTARES_DB"), "database: a SQLite file path or sqlite: URL, or a postgres:// URL (env ANTARES_DB)")
	root.PersistentFlags().BoolVarP(&a.verbose, "verbose", "v", false, "log what Antares does to standard error")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return antares.Errorf(antares.EINVALID, "%v", err)
	})
	root.AddGroup(groups...)
	for _, c := range commands {
		cmd := c.new(a)
		cmd.GroupID = c.group
		root.AddCommand(cmd)
	}

	err := root.Execute()
	if err == nil {
		return antares.ExitOK
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var coded interface{ ErrorCode() string }
	var appErr *antares.Error
	if !errors.As(err, &appErr) && !errors.As(err, &coded) {
		// Only cobra's own complaints about the command line (an unknown
		// command or flag, a wrong number of arguments) arrive without an
		// application code: every subcommand returns coded errors.
		fmt.Fprintf(stderr, "antares: %v\nRun 'antares --help' for usage.\n", err)
		return antares.ExitInvalid
	}
	msg := antares.ErrorMessage(err)
	if antares.ErrorCode(err) == antares.EINTERNAL {
		msg = err.Error()
	}
	fmt.Fprintf(stderr, "antares: %s\n", msg)
	return antares.ExitCode(err)
}

var errNoModel = antares.Errorf(antares.EINVALID, "no model given: pass --model PATH (a YAML file or directory) or set ANTARES_MODEL")

// loadModel loads the model named by path, or by --model / ANTARES_MODEL
// when path is empty.
func (a *app) loadModel(path string) (*governance.Model, error) {
	if path == "" {
		path = a.modelPath
	}
	if path == "" {
		return nil, errNoModel
	}
	a.log.Debug("loading model", "path", path)
	return governance.Load(path)
}
