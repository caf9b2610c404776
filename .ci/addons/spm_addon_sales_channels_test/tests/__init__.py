from . import test_sales_channels  # noqa: F401
