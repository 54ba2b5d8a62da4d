"""Media: uploads of masters straight to object storage, and the assets the pipeline derives from them."""
