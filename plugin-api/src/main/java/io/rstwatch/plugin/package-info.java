/**
 * The API that rstwatch plugins compile against: JDK types only, so that a plugin jar works with any agent
 * version that keeps this package compatible.
 *
 * <p>A plugin is a class implementing {@link io.rstwatch.plugin.RstwatchPlugin}, named in its jar's
 * {@code META-INF/services/io.rstwatch.plugin.RstwatchPlugin}. The agent loads every jar in the directory given
 * by the {@code plugins=DIR} option, each in a class loader of its own that sees the JDK and this package only.
 * A file {@code NAME.properties} beside {@code NAME.jar} holds the plugin's settings.
 *
 * <p>Everything a plugin is given is immutable. Its methods run on a thread of its own jar, fed through a
 * bounded queue: a plugin that is slow loses events (they are counted as dropped), it never slows the agent;
 * one that fails repeatedly is disabled. Both are shown on the {@code rstwatch:type=Agent} MBean. A plugin that
 * needs only so many events a second says so ({@link io.rstwatch.plugin.RstwatchPlugin#maxEventsPerSecond}): the
 * rest are not even built, only counted to it.
 */
package io.rstwatch.plugin;
