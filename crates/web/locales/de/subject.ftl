# Messages of the data subject's rights (Decree 13/2023).
