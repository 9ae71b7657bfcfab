"""hall: queue and counter management for government service halls (政务服务中心)."""
