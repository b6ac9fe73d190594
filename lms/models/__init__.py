# Each sub-domain has its own module; import its models here.
