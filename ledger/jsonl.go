package ledger

import (
	"bufio"
	"context"
	"fmt"
	"io"
)

// maxRecord is the longest record a JSON Lines export may hold.
const maxRecord = 1 << 20

// JSONL is a Source reading an exported ledger: one canonical record per
// line, in order, as WriteJSONL writes them.
type JSONL struct{ R io.Reader }

// Records calls fn with each line of the export.
func (j JSONL) Records(ctx context.Context, fn func(data []byte) error) error {
	sc := bufio.NewScanner(j.R)
	sc.Buffer(make([]byte, 64<<10), maxRecord)
	line := 0
	for sc.Scan() {
		line++
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(sc.Bytes()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return &Problem{int64(line) + 1, fmt.Sprintf("cannot be read: %v", err)}
	}
	return nil
}

// WriteJSONL writes every record of src to w, one per line: an export that
// Verify accepts through JSONL.
func WriteJSONL(ctx context.Context, w io.Writer, src Source) error {
	bw := bufio.NewWriter(w)
	err := src.Records(ctx, func(data []byte) error {
		bw.Write(data)
		return bw.WriteByte('\n')
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}
