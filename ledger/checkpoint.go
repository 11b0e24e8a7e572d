package ledger

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/antares-governance/antares"
)

// KeyName is the name of the ledger's signing key: it appears in every
// checkpoint signature and in the verifier key.
const KeyName = "antares-ledger"

// Key is the ledger's Ed25519 signing key.
type Key struct {
	Signer note.Signer
	// VerifierKey is the public key, in note's text form, to hand to
	// auditors: "antares-ledger+<hash>+<base64>".
	VerifierKey string
}

// LoadKey reads the signing key from the file at path, creating the file
// (mode 0600, with the verifier key beside it in path+".pub") when it does
// not exist yet. It refuses a key file that others may read.
func LoadKey(path string) (*Key, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := createKey(path); err != nil {
			return nil, err
		}
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, antares.Errorf(antares.EINVALID, "reading the ledger signing key: %v", err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, antares.Errorf(antares.EINVALID, "ledger signing key %s is readable by others (mode %04o): run chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	k, err := ParseKey(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, antares.Errorf(antares.EINVALID, "ledger signing key %s: %v", path, err)
	}
	return k, nil
}

// createKey writes a new key to path without ever leaving a partial file
// there: it writes a temporary file and links it into place, so that of two
// processes creating the key at once, one wins and both use its key.
func createKey(path string) error {
	skey, vkey, err := note.GenerateKey(rand.Reader, KeyName)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return antares.Errorf(antares.EINVALID, "creating the ledger signing key: %v", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".antares-key-*")
	if err != nil {
		return antares.Errorf(antares.EINVALID, "creating the ledger signing key: %v", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(skey + "\n"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil
		}
		return antares.Errorf(antares.EINVALID, "creating the ledger signing key: %v", err)
	}
	return os.WriteFile(path+".pub", []byte(vkey+"\n"), 0o644)
}

// ParseKey reads a signing key in note's text form
// ("PRIVATE+KEY+antares-ledger+<hash>+<base64>") and derives its verifier key.
func ParseKey(skey string) (*Key, error) {
	s, err := note.NewSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("not a signing key: %v", err)
	}
	// The form is PRIVATE+KEY+name+hash+key; the base64 key may hold '+'.
	raw, err := base64.StdEncoding.DecodeString(strings.SplitN(skey, "+", 5)[4])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return nil, fmt.Errorf("not an Ed25519 signing key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(s.Name(), pub)
	if err != nil {
		return nil, err
	}
	return &Key{Signer: s, VerifierKey: vkey}, nil
}

// Checkpoint is a signed statement of the ledger's size and tree hash at a
// time. Its text is tlog's tree format followed by a time line.
type Checkpoint struct {
	Tree tlog.Tree
	Time time.Time
	// Note is the signed note, as stored and handed out.
	Note []byte
}

// SignCheckpoint signs the tree of a ledger at time at.
func SignCheckpoint(tree tlog.Tree, at time.Time, k *Key) (*Checkpoint, error) {
	at = at.UTC().Truncate(time.Second)
	text := append(tlog.FormatTree(tree), "time "+at.Format(time.RFC3339)+"\n"...)
	msg, err := note.Sign(&note.Note{Text: string(text)}, k.Signer)
	if err != nil {
		return nil, err
	}
	return &Checkpoint{Tree: tree, Time: at, Note: msg}, nil
}

// OpenCheckpoint checks a checkpoint's signature with the verifier key
// vkey and reads it.
func OpenCheckpoint(msg []byte, vkey string) (*Checkpoint, error) {
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return nil, antares.Errorf(antares.EINVALID, "not a verifier key: %v", err)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return nil, antares.Errorf(antares.EINVALID, "checkpoint does not carry a valid signature by %s: %v", v.Name(), err)
	}
	tree, err := tlog.ParseTree([]byte(n.Text))
	if err != nil {
		return nil, antares.Errorf(antares.EINVALID, "not a ledger checkpoint: %v", err)
	}
	cp := &Checkpoint{Tree: tree, Note: msg}
	lines := strings.Split(n.Text, "\n")
	if t, ok := strings.CutPrefix(lines[3], "time "); ok {
		cp.Time, err = time.Parse(time.RFC3339, t)
		if err != nil {
			return nil, antares.Errorf(antares.EINVALID, "checkpoint time %q: %v", t, err)
		}
	}
	return cp, nil
}
