"""The benchmark suite: baton-sf against the local emulator, beside a read floor and a naive
script, at sizes of 1,000 to 100,000 records. `make bench` runs it (`python -m bench`)."""
