# Messages of transfers seen from both ends.
