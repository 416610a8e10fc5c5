/* `cchcd check-health`: a load balancer's or a monitoring system's check
 * of one cchcd, by the protocol itself (hello, then a health request), so
 * "the port is open" cannot pass for "fit to serve". */
#ifndef CCHCD_CHECK_HEALTH_H
#define CCHCD_CHECK_HEALTH_H

/* argv[0] is "check-health". Exit codes follow the monitoring-plugin
 * convention: 0 healthy, 2 not healthy or no answer, 3 usage error. */
int check_health_main(int argc, char **argv);

#endif
