"""Label schemas, sample articles and icons, shipped inside the package."""
