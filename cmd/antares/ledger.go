package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/ledger"
	"github.com/antares-governance/antares/store"
	"github.com/antares-governance/antares/store/postgres"
	"github.com/antares-governance/antares/store/sqlite"
)

// clock tells the time of decisions and checkpoints; tests stop it.
var clock = time.Now

// openStore opens the database named by --db / ANTARES_DB.
func (a *app) openStore(ctx context.Context) (store.Store, error) {
	switch {
	case a.dbURL == "":
		return nil, antares.Errorf(antares.EINVALID, "no database given: pass --db (a SQLite file, a sqlite: URL or a postgres:// URL) or set ANTARES_DB")
	case isPostgres(a.dbURL):
		return postgres.Open(ctx, a.dbURL)
	default:
		return sqlite.Open(ctx, a.dbURL)
	}
}

func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// ledgerKeyPath is where the ledger's signing key lives: --key, else
// ANTARES_LEDGER_KEY, else next to a SQLite database (its path plus
// ".key"), else for PostgreSQL in the user's configuration directory.
func (a *app) ledgerKeyPath(flag string) (string, error) {
	switch {
	case flag != "":
		return flag, nil
	case os.Getenv("ANTARES_LEDGER_KEY") != "":
		return os.Getenv("ANTARES_LEDGER_KEY"), nil
	case a.dbURL != "" && !isPostgres(a.dbURL):
		return sqlite.Path(a.dbURL) + ".key", nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", antares.Errorf(antares.EINVALID, "no place for the ledger signing key: pass --key FILE or set ANTARES_LEDGER_KEY (%v)", err)
	}
	return filepath.Join(dir, "antares", "ledger.key"), nil
}

// verifierKey returns the verifier key given by --verifier (the key or a
// file holding it), else the one of the local signing key, if it exists.
func (a *app) verifierKey(flag, keyFlag string) (string, error) {
	if flag != "" {
		if data, err := os.ReadFile(flag); err == nil {
			return strings.TrimSpace(string(data)), nil
		}
		return flag, nil
	}
	path, err := a.ledgerKeyPath(keyFlag)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	k, err := ledger.LoadKey(path)
	if err != nil {
		return "", err
	}
	return k.VerifierKey, nil
}

func ledgerCommand(a *app) *cobra.Command {
	var key string
	cmd := &cobra.Command{
		Use:   "ledger",
		Short: "Read, verify and prove the tamper-evident decision ledger",
		Long: `The ledger records every decision: who decided, in which role, under which authority
(checked against the model's digest at that moment), why and until when. Each entry is
chained to the one before and is a leaf of a Merkle tree whose root is signed in
checkpoints, so that any change is detected and one entry can be proved to an auditor
who trusts nothing but a checkpoint and the verifier key.

The signing key lives outside the database: --key, else ANTARES_LEDGER_KEY, else next to
a SQLite database (its path plus ".key"), else in the user's configuration directory. It
is created on first use, readable only by its owner, with the verifier key beside it
(".pub"). See docs/ledger.md.`,
	}
	cmd.PersistentFlags().StringVar(&key, "key", "", "the ledger signing key file (env ANTARES_LEDGER_KEY; default next to a SQLite database)")
	cmd.AddCommand(ledgerListCommand(a), ledgerShowCommand(a), ledgerVerifyCommand(a, &key),
		ledgerCheckpointCommand(a, &key), ledgerProofCommand(a, &key), ledgerCheckProofCommand(a, &key),
		ledgerExportCommand(a), ledgerKeyCommand(a, &key))
	return cmd
}

// withStore runs fn with the store open, and closes it.
func (a *app) withStore(fn func(ctx context.Context, s store.Store) error) error {
	ctx := context.Background()
	s, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(ctx, s)
}

// output opens -o FILE, or returns standard output.
// writeOutput calls write with standard output, or, given a path, with a
// temporary file beside it that replaces the file only once write succeeds:
// a failed proof or export leaves nothing half-written behind.
func (a *app) writeOutput(path string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(a.stdout)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return antares.Errorf(antares.EINVALID, "cannot write %s: %v", path, err)
	}
	defer os.Remove(f.Name()) // after a successful rename, there is nothing left to remove
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	// A proof or an export is made to be handed over: readable like any
	// file the user writes, not private like the temporary file.
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return antares.Errorf(antares.EINTERNAL, "writing %s: %v", path, err)
	}
	if err := f.Close(); err != nil {
		return antares.Errorf(antares.EINTERNAL, "writing %s: %v", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return antares.Errorf(antares.EINVALID, "cannot write %s: %v", path, err)
	}
	return nil
}

func ledgerListCommand(a *app) *cobra.Command {
	var decision, domain, by, format string
	var unauthorized bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the ledger's entries, oldest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkAnswerFormat(format); err != nil {
				return err
			}
			return a.withStore(func(ctx context.Context, s store.Store) error {
				all, err := readEntries(ctx, s)
				if err != nil {
					return err
				}
				entries := []*ledger.Entry{}
				for _, e := range all {
					if (decision == "" || e.Decision == decision) && (domain == "" || e.Domain == domain) &&
						(by == "" || e.DecidedBy == by) && (!unauthorized || !e.Authorized) {
						entries = append(entries, e)
					}
				}
				if format == "json" {
					return writeAnswerJSON(a.stdout, entries)
				}
				return writeEntries(a.stdout, entries)
			})
		},
	}
	cmd.Flags().StringVar(&decision, "decision", "", "only entries of this decision type")
	cmd.Flags().StringVarP(&domain, "domain", "d", "", "only entries in this domain")
	cmd.Flags().StringVar(&by, "by", "", "only entries decided by this person")
	cmd.Flags().BoolVar(&unauthorized, "unauthorized", false, "only entries made without authority (imported history)")
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	return cmd
}

func writeEntries(w io.Writer, entries []*ledger.Entry) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tTIME\tDECISION\tDOMAIN\tSUBJECT\tDECIDED BY\tROLE\tOUTCOME\tAUTHORIZED")
	for _, e := range entries {
		what := e.Decision
		if e.Kind != ledger.KindDecision {
			what = "(" + e.Kind + ")"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.Time.UTC().Format(time.RFC3339), what, orDash(e.Domain),
			orDash(e.Subject), e.DecidedBy, orDash(e.Role), orDash(e.Outcome), yesNo(e.Authorized))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// parseSeq reads an entry id: its sequence number.
func parseSeq(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
	if err != nil || n < 1 {
		return 0, antares.Errorf(antares.EINVALID, "entry %q: give the entry's sequence number, 1 or more", s)
	}
	return n, nil
}

func ledgerShowCommand(a *app) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one entry (ID: its sequence number)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkAnswerFormat(format); err != nil {
				return err
			}
			seq, err := parseSeq(args[0])
			if err != nil {
				return err
			}
			return a.withStore(func(ctx context.Context, s store.Store) error {
				data, err := s.Record(ctx, seq)
				if err != nil {
					return err
				}
				e, err := ledger.Decode(data)
				if err != nil {
					return antares.Errorf(antares.ECONFLICT, "entry %d cannot be read (%v): run antares ledger verify", seq, err)
				}
				if format == "json" {
					_, err = fmt.Fprintf(a.stdout, "%s\n", data)
					return err
				}
				return writeEntry(a.stdout, e, tlog.RecordHash(data))
			})
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text, or json (the entry's canonical record)")
	return cmd
}

func writeEntry(w io.Writer, e *ledger.Entry, hash tlog.Hash) error {
	tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s:\t%s\n", k, v)
		}
	}
	row("entry", strconv.FormatInt(e.Seq, 10))
	row("time", e.Time.UTC().Format(time.RFC3339Nano))
	row("kind", e.Kind)
	row("decision", e.Decision)
	row("domain", e.Domain)
	row("subject", e.Subject)
	if e.Measure != nil {
		row("measure", num(*e.Measure))
	}
	row("outcome", e.Outcome)
	row("decided by", e.DecidedBy)
	row("role", e.Role)
	row("authority", authorityText(e.Authority))
	var consulted []string
	for _, c := range e.Consulted {
		consulted = append(consulted, consultedText(c))
	}
	row("consulted", strings.Join(consulted, "; "))
	row("trigger", e.Trigger)
	row("rationale", e.Rationale)
	if e.ValidUntil != nil {
		row("valid until", e.ValidUntil.UTC().Format(time.RFC3339))
	}
	if e.Request != 0 {
		row("request", strconv.FormatInt(e.Request, 10))
	}
	row("source", e.Source)
	row("authorized", yesNo(e.Authorized))
	row("note", e.Note)
	if g := e.Grant; g != nil {
		grant := fmt.Sprintf("to %s: %s%s", g.Delegate, strings.Join(g.Decisions, ", "), inDomainsText(g.Domains))
		if g.Ceiling != nil {
			grant += " up to " + num(*g.Ceiling)
		}
		if !g.Since.IsZero() {
			grant += " from " + g.Since.UTC().Format(time.RFC3339)
		}
		row("delegation", grant+" until "+g.Until.UTC().Format(time.RFC3339))
	}
	for _, m := range e.Measurements {
		met := ""
		if m.Met != nil {
			met = map[bool]string{true: " (target met)", false: " (target NOT met)"}[*m.Met]
		}
		row("outcome "+m.Outcome, num(m.Value)+met)
	}
	row("model digest", e.ModelDigest)
	row("record hash", hash.String())
	row("previous hash", e.Prev.String())
	return tw.Flush()
}

// consultedText describes a consulted role and who held it: "cfo
// (maria.chen)".
func consultedText(c ledger.Consulted) string {
	people := strings.Join(c.People, ", ")
	if people == "" {
		people = "held by nobody"
	}
	return fmt.Sprintf("%s (%s)", c.Role, people)
}

func authorityText(au ledger.Authority) string {
	var parts []string
	if au.Tier > 0 {
		parts = append(parts, fmt.Sprintf("tier %d", au.Tier))
	}
	if au.Accountable != "" {
		parts = append(parts, "accountable "+au.Accountable)
	}
	if au.Delegation != "" {
		parts = append(parts, "delegation "+au.Delegation)
	}
	if au.Escalations > 0 {
		parts = append(parts, fmt.Sprintf("escalated %d step(s)", au.Escalations))
	}
	return strings.Join(parts, ", ")
}

func ledgerVerifyCommand(a *app, key *string) *cobra.Command {
	var file, verifier string
	var checkpoints []string
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Recompute the hash chain, the Merkle tree and every checkpoint; name the first bad entry",
		Long: `Verify reads every entry of the ledger (or of an export, --file) and recomputes the hash
chain and the Merkle tree. It checks that entries are numbered without gaps, that each
links to the one before, that every stored tree hash matches, and that the ledger still
holds and agrees with every checkpoint: those stored in the database and those given
with --checkpoint (keep the checkpoints you were handed: they are what shows that the
ledger was truncated or rewritten). The first bad entry is named.

Exit status: 0 the ledger verifies, 1 it does not, 2 bad input.`,
		Example: `  antares ledger verify
  antares ledger verify --file ledger.jsonl --checkpoint cp.txt --verifier ledger.key.pub`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := context.Background()
			vkey, err := a.verifierKey(verifier, *key)
			if err != nil {
				return err
			}
			var trees []tlog.Tree
			open := func(note []byte, where string, code string) error {
				if vkey == "" {
					return antares.Errorf(antares.EINVALID, "checkpoints need the verifier key to be checked: pass --verifier KEY (or the file holding it)")
				}
				cp, err := ledger.OpenCheckpoint(note, vkey)
				if err != nil {
					return antares.Errorf(code, "%s: %s", where, antares.ErrorMessage(err))
				}
				trees = append(trees, cp.Tree)
				return nil
			}
			for _, path := range checkpoints {
				data, err := os.ReadFile(path)
				if err != nil {
					return antares.Errorf(antares.EINVALID, "checkpoint: %v", err)
				}
				if err := open(data, path, antares.EINVALID); err != nil {
					return err
				}
			}
			var src ledger.Source
			if file != "" {
				f, err := os.Open(file)
				if err != nil {
					return antares.Errorf(antares.EINVALID, "%v", err)
				}
				defer f.Close()
				src = ledger.JSONL{R: f}
			} else {
				s, err := a.openStore(ctx)
				if err != nil {
					return err
				}
				defer s.Close()
				stored, err := s.Checkpoints(ctx)
				if err != nil {
					return err
				}
				// A stored checkpoint that does not open was changed in
				// the database: the ledger fails verification.
				for i, note := range stored {
					if err := open(note, fmt.Sprintf("ledger verification failed: stored checkpoint %d of %d", i+1, len(stored)), antares.ECONFLICT); err != nil {
						return err
					}
				}
				src = s
			}
			tree, err := ledger.Verify(ctx, src, trees)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.stdout, "ledger verified: %d entries, tree hash %s, %d checkpoint(s) consistent\n", tree.N, tree.Hash, len(trees))
			return err
		},
	}
	cmd.Flags().StringVar(&file, "file", "", "verify an export (JSON Lines) instead of the database")
	cmd.Flags().StringArrayVar(&checkpoints, "checkpoint", nil, "a checkpoint file the ledger must agree with (repeatable)")
	cmd.Flags().StringVar(&verifier, "verifier", "", "the verifier key, or a file holding it (default: that of the signing key)")
	return cmd
}

// checkpoint signs a checkpoint of the ledger as it is now, unless the
// latest stored checkpoint already covers every entry.
func (a *app) checkpoint(ctx context.Context, s store.Store, keyFlag string) (*ledger.Checkpoint, error) {
	path, err := a.ledgerKeyPath(keyFlag)
	if err != nil {
		return nil, err
	}
	k, err := ledger.LoadKey(path)
	if err != nil {
		return nil, err
	}
	size, err := s.Size(ctx)
	if err != nil {
		return nil, err
	}
	stored, err := s.Checkpoints(ctx)
	if err != nil {
		return nil, err
	}
	if len(stored) > 0 {
		latest, err := ledger.OpenCheckpoint(stored[len(stored)-1], k.VerifierKey)
		if err != nil {
			return nil, antares.Errorf(antares.ECONFLICT, "the latest stored checkpoint is not signed by the key %s: %v", path, err)
		}
		if latest.Tree.N == size {
			return latest, nil
		}
	}
	root, err := tlog.TreeHash(size, hashReader(ctx, s))
	if err != nil {
		return nil, err
	}
	cp, err := ledger.SignCheckpoint(tlog.Tree{N: size, Hash: root}, clock(), k)
	if err != nil {
		return nil, err
	}
	return cp, s.AddCheckpoint(ctx, cp)
}

func hashReader(ctx context.Context, s store.Store) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) { return s.ReadHashes(ctx, indexes) })
}

func ledgerCheckpointCommand(a *app, key *string) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "checkpoint",
		Short: "Print a signed checkpoint of the ledger as it is now",
		Long: `Checkpoint prints the latest signed checkpoint: the ledger's size and Merkle tree hash,
signed with the ledger's Ed25519 key, signing a new one when entries were appended since
the last. Hand checkpoints to auditors, or keep them elsewhere: verify --checkpoint then
shows whether the ledger still agrees with them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withStore(func(ctx context.Context, s store.Store) error {
				cp, err := a.checkpoint(ctx, s, *key)
				if err != nil {
					return err
				}
				return a.writeOutput(out, func(w io.Writer) error {
					_, err := w.Write(cp.Note)
					return err
				})
			})
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the checkpoint to this file")
	return cmd
}

func ledgerProofCommand(a *app, key *string) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "proof ID",
		Short: "Print the inclusion proof of an entry in the latest checkpoint",
		Long: `Proof prints (or writes with -o) a self-contained JSON proof that entry ID (its sequence
number) is in the ledger a signed checkpoint covers: the entry's record, the Merkle
inclusion proof and the checkpoint. antares ledger check-proof verifies it offline.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			seq, err := parseSeq(args[0])
			if err != nil {
				return err
			}
			return a.withStore(func(ctx context.Context, s store.Store) error {
				data, err := s.Record(ctx, seq)
				if err != nil {
					return err
				}
				cp, err := a.checkpoint(ctx, s, *key)
				if err != nil {
					return err
				}
				p, err := ledger.Prove(data, seq, cp, hashReader(ctx, s))
				if err != nil {
					return err
				}
				return a.writeOutput(out, func(w io.Writer) error { return writeAnswerJSON(w, p) })
			})
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the proof to this file")
	return cmd
}

func ledgerCheckProofCommand(a *app, key *string) *cobra.Command {
	var checkpoint, verifier string
	cmd := &cobra.Command{
		Use:   "check-proof FILE",
		Short: "Check an inclusion proof offline, against a checkpoint and the verifier key",
		Long: `Check-proof verifies a proof written by antares ledger proof, touching no database: the
checkpoint (--checkpoint; default the one inside the proof) must carry a valid signature
by the verifier key (--verifier; default that of the local signing key), and the entry
in the proof must be a leaf of the Merkle tree that checkpoint signs.

Exit status: 0 the entry is in the ledger, 1 it is not, 2 bad input.`,
		Example: `  antares ledger check-proof proof.json --checkpoint cp.txt --verifier antares-ledger+1f22e7e1+AT...`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return antares.Errorf(antares.EINVALID, "%v", err)
			}
			p, err := ledger.ParseProof(data)
			if err != nil {
				return err
			}
			note := []byte(p.Checkpoint)
			if checkpoint != "" {
				if note, err = os.ReadFile(checkpoint); err != nil {
					return antares.Errorf(antares.EINVALID, "checkpoint: %v", err)
				}
			}
			vkey, err := a.verifierKey(verifier, *key)
			if err != nil {
				return err
			}
			if vkey == "" {
				return antares.Errorf(antares.EINVALID, "no verifier key: pass --verifier KEY (or the file holding it)")
			}
			cp, err := ledger.OpenCheckpoint(note, vkey)
			if err != nil {
				return err
			}
			e, err := p.Check(cp)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.stdout, "entry %d is in the ledger of %d entries signed at %s: %s in %s by %s, %s\n",
				e.Seq, cp.Tree.N, cp.Time.Format(time.RFC3339), orKind(e), e.Domain, e.DecidedBy, orDash(e.Outcome))
			return err
		},
	}
	cmd.Flags().StringVar(&checkpoint, "checkpoint", "", "the checkpoint file to check against (default: the one in the proof)")
	cmd.Flags().StringVar(&verifier, "verifier", "", "the verifier key, or a file holding it")
	return cmd
}

func orKind(e *ledger.Entry) string {
	if e.Decision != "" {
		return e.Decision
	}
	return e.Kind
}

func ledgerExportCommand(a *app) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the ledger as JSON Lines, which antares ledger verify --file accepts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withStore(func(ctx context.Context, s store.Store) error {
				return a.writeOutput(out, func(w io.Writer) error { return ledger.WriteJSONL(ctx, w, s) })
			})
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the export to this file")
	return cmd
}

func ledgerKeyCommand(a *app, key *string) *cobra.Command {
	return &cobra.Command{
		Use:   "key",
		Short: "Print the verifier key auditors check checkpoints and proofs with (creating the signing key if needed)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := a.ledgerKeyPath(*key)
			if err != nil {
				return err
			}
			k, err := ledger.LoadKey(path)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(a.stdout, k.VerifierKey)
			return err
		},
	}
}
