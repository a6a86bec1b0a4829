package io.rstwatch.jmx;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.NotificationEmitter;
import javax.management.StandardEmitterMBean;

/**
 * {@link DescribedMBean} for MXBeans that also send notifications (JConsole and Jolokia can subscribe).
 *
 * @param <T> the MXBean interface
 */
public class DescribedEmitterMBean<T> extends StandardEmitterMBean {
    private final Class<T> type;

    public DescribedEmitterMBean(T implementation, Class<T> type, NotificationEmitter emitter) {
        super(implementation, type, true, emitter);
        this.type = type;
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        return DescribedMBean.ofType(type, super.getDescription(info));
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        return DescribedMBean.ofAttribute(type, info, super.getDescription(info));
    }

    @Override
    protected String getDescription(MBeanOperationInfo info) {
        return DescribedMBean.ofMethod(type, info.getName(), super.getDescription(info));
    }
}
