package layertree

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
)

// Headers runs assemble, which writes a tar, and reads the headers of what
// it writes as it goes: the headers of the very bytes a caller hashes. The
// reader drains the stream to its end whatever it finds, so the writer
// never blocks.
func Headers(assemble func(io.Writer) error) ([]*tar.Header, error) {
	pr, pw := io.Pipe()
	type result struct {
		headers []*tar.Header
		err     error
	}
	done := make(chan result, 1)
	go func() {
		var headers []*tar.Header
		tr := tar.NewReader(pr)
		var err error
		for {
			var hdr *tar.Header
			if hdr, err = tr.Next(); err != nil {
				break
			}
			headers = append(headers, hdr)
		}
		_, _ = io.Copy(io.Discard, pr)
		if errors.Is(err, io.EOF) {
			err = nil
		}
		done <- result{headers, err}
	}()
	err := assemble(pw)
	pw.CloseWithError(err)
	res := <-done
	if err != nil {
		return nil, err
	}
	if res.err != nil {
		return nil, fmt.Errorf("its tar-split does not make a readable tar: %w", res.err)
	}
	return res.headers, nil
}
