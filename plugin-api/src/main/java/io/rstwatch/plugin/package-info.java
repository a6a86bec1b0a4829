/**
 * The API that rstwatch plugins compile against: JDK types only, so that a plugin jar works with any agent
 * version that keeps this package compatible.
 */
package io.rstwatch.plugin;
