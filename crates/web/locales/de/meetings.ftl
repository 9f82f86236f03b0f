# Messages of cell and committee meetings and their minutes.
